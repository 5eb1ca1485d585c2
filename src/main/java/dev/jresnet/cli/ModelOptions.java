package dev.jresnet.cli;

import dev.jresnet.model.ModelConfig;
import dev.jresnet.model.ResNetConfig;
import picocli.CommandLine.Option;

/** The options that pick an architecture, shared by every command that needs one. */
final class ModelOptions {
    @Option(names = "--arch", required = true, paramLabel = "NAME",
            description = "Architecture: ${COMPLETION-CANDIDATES}.", completionCandidates = ArchNames.class)
    String arch;

    @Option(names = "--num-classes", paramLabel = "K", description = "Classifier outputs (default: 1000).")
    Integer numClasses;

    @Option(names = "--in-channels", paramLabel = "C", description = "Input channels (default: 3).")
    Integer inChannels;

    ModelConfig config() {
        ResNetConfig config = ResNetConfig.named(arch);
        if (numClasses != null) {
            config = config.withNumClasses(numClasses);
        }
        if (inChannels != null) {
            config = config.withInChannels(inChannels);
        }
        return config;
    }

    static final class ArchNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return ResNetConfig.names().iterator();
        }
    }
}
