package dev.jresnet.cli;

import dev.jresnet.model.ResNetConfig;
import dev.jresnet.weights.StateDict;
import dev.jresnet.weights.WeightsFiles;
import dev.jresnet.weights.WeightsValidator;
import dev.jresnet.weights.pretrained.FileHash;
import dev.jresnet.weights.pretrained.PretrainedEntry;
import dev.jresnet.weights.pretrained.PretrainedTable;
import dev.jresnet.weights.pretrained.PretrainedWeights;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

@Command(name = "weights", mixinStandardHelpOptions = true,
        description = {"torchvision's pretrained weights by name (resnet50.IMAGENET1K_V2, resnet18.DEFAULT): list them, "
                + "fetch them into the cache, verify files. Wherever --weights takes a file, it takes such a name too.",
                "Files are looked for in PyTorch's cache ($TORCH_HOME/hub/checkpoints, by default "
                        + "~/.cache/torch/hub/checkpoints), then in jresnet's ($JRESNET_CACHE_DIR/weights, by default "
                        + "~/.cache/jresnet/weights), where downloads go. JRESNET_OFFLINE=1 forbids downloads; "
                        + "JRESNET_WEIGHTS_MIRROR=URL fetches from URL/FILE_NAME instead of download.pytorch.org."})
final class WeightsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: list, fetch or verify");
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every pretrained name with its parameters, published ImageNet accuracy, evaluation transform "
                    + "and the cached file, if any (not checked here: verify checks).")
    int list() {
        PretrainedWeights pretrained = PretrainedWeights.fromEnvironment();
        System.out.printf(Locale.ROOT, "%-32s %12s %7s %7s  %-38s %s%n", "name", "parameters", "acc@1", "acc@5", "transform", "cached");
        for (PretrainedEntry e : pretrained.table().entries()) {
            System.out.printf(Locale.ROOT, "%-32s %,12d %7.3f %7.3f  %-38s %s%n", e.name() + (e.isDefault() ? " *" : ""),
                    e.numParams(), e.acc1(), e.acc5(), e.transformDescription(),
                    pretrained.caches().find(e.fileName()).map(Path::toString).orElse("-"));
        }
        System.out.println("* DEFAULT: what ARCH.DEFAULT names. Searched: " + pretrained.caches().searchOrder().stream()
                .map(Path::toString).collect(Collectors.joining(", then ")) + " (downloads go to the last).");
        return 0;
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = "Makes sure the named weights are cached (downloading and verifying what is missing), and "
                    + "prints where each file is.")
    int fetch(@Parameters(arity = "1..*", paramLabel = "NAME", description = "Such as resnet50.IMAGENET1K_V2.") List<String> names,
              @Option(names = "--mirror", paramLabel = "URL", description = "Download from URL/FILE_NAME (also "
                      + "JRESNET_WEIGHTS_MIRROR).") URI mirror,
              @Mixin PretrainedOptions options) throws IOException {
        PretrainedWeights pretrained = options.pretrained();
        if (mirror != null) {
            pretrained = pretrained.withSettings(pretrained.settings().withMirror(mirror));
        }
        for (String name : names) {
            System.out.println(pretrained.fetch(pretrained.table().require(name)));
        }
        return 0;
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Checks weights files, or the cached files of pretrained names (never downloading): the "
                    + "SHA-256 against the digits in the file name (as torch.hub checks it), that the file reads as a "
                    + "state_dict, and, for torchvision's files, that it fits its architecture.",
                    "Prints one line per file; the first failure is an error naming the file."})
    int verify(@Parameters(arity = "1..*", paramLabel = "FILE_OR_NAME") List<String> filesOrNames) throws IOException {
        PretrainedWeights pretrained = PretrainedWeights.fromEnvironment();
        for (String given : filesOrNames) {
            Path file = fileToVerify(pretrained, given);
            Optional<PretrainedEntry> entry = pretrained.entryFor(file.toString());
            Optional<String> prefix = FileHash.prefixInName(String.valueOf(file.getFileName()));
            String hash = prefix.isPresent()
                    ? "SHA-256 " + FileHash.verify(file, prefix.get()) + " starts with " + prefix.get() + " as its name says"
                    : "SHA-256 " + FileHash.sha256(file) + " (its name carries no hash to check it against)";
            StateDict state = WeightsFiles.read(file);
            String content = state.keys().size() + " tensors";
            if (entry.isPresent()) {
                WeightsValidator.check(ResNetConfig.named(entry.get().arch()).graph(), state, file.toString());
                content += ", " + entry.get().name() + " (the state_dict " + entry.get().arch() + " expects)";
            }
            System.out.println("ok " + file + ": " + hash + "; " + content);
        }
        return 0;
    }

    /** A file as given; a pretrained name's cached file (verify never downloads). */
    private static Path fileToVerify(PretrainedWeights pretrained, String given) throws IOException {
        Path file = Path.of(given);
        if (Files.exists(file)) {
            return file;
        }
        if (!PretrainedTable.looksLikeName(given)) {
            throw new NoSuchFileException(given, null, "no such file, and not a pretrained name such as resnet50.IMAGENET1K_V2");
        }
        PretrainedEntry entry = pretrained.table().require(given);
        return pretrained.caches().find(entry.fileName()).orElseThrow(() -> new NoSuchFileException(given, null,
                entry.fileName() + " is not cached in " + pretrained.caches().searchOrder().stream().map(Path::toString)
                        .collect(Collectors.joining(" or ")) + " (jresnet weights fetch " + given + " downloads it)"));
    }
}
