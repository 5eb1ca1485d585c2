package dev.jresnet.cli;

import dev.jresnet.InvalidOptionException;
import dev.jresnet.model.ModelConfig;
import dev.jresnet.model.ModelDescription;
import dev.jresnet.model.ResNetConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.Iterator;

/** The options that pick an architecture, shared by every command that needs one: --arch NAME or --config FILE. */
final class ModelOptions {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Choice choice;

    static final class Choice {
        @Option(names = "--arch", paramLabel = "NAME",
                description = "torchvision architecture: ${COMPLETION-CANDIDATES}.", completionCandidates = ArchNames.class)
        String arch;

        @Option(names = "--config", paramLabel = "MODEL.json",
                description = "A model description file (JSON: a torchvision architecture with options, or a network of "
                        + "configurable residual blocks), or the name of a bundled one: digits_resnet18, digits_plain18, "
                        + "cifar_resnet20_option_a, separable_dilated_reflect, resnet50_dilated_10cls.")
        String config;
    }

    @Option(names = "--num-classes", paramLabel = "K", description = "With --arch: classifier outputs (default: 1000).")
    Integer numClasses;

    @Option(names = "--in-channels", paramLabel = "C", description = "With --arch: input channels (default: 3).")
    Integer inChannels;

    ModelConfig config() throws IOException {
        if (choice.config != null) {
            if (numClasses != null || inChannels != null) {
                throw new InvalidOptionException("--num-classes and --in-channels go with --arch; with --config set "
                        + "num_classes and in_channels in " + choice.config);
            }
            return ModelDescription.resolve(choice.config);
        }
        ResNetConfig config = ResNetConfig.named(choice.arch);
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
        public Iterator<String> iterator() {
            return ResNetConfig.names().iterator();
        }
    }
}
