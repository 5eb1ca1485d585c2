package dev.jresnet.cli;

import dev.jresnet.InvalidOptionException;
import dev.jresnet.model.ModelConfig;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.weights.pretrained.FetchSettings;
import dev.jresnet.weights.pretrained.PretrainedEntry;
import dev.jresnet.weights.pretrained.PretrainedWeights;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How a --weights value becomes a file, for every command that takes one: a path as it is, or a pretrained name
 * (resnet50.IMAGENET1K_V2) from the caches or downloaded, with --offline to forbid downloads.
 */
final class PretrainedOptions {
    @Option(names = "--offline", description = "Never download: a pretrained name must already be cached "
            + "(also JRESNET_OFFLINE=1).")
    boolean offline;

    /** The environment's settings (caches, JRESNET_OFFLINE, JRESNET_WEIGHTS_MIRROR), --offline on top, shown on stderr. */
    PretrainedWeights pretrained() {
        PretrainedWeights fromEnvironment = PretrainedWeights.fromEnvironment().withListener(new ConsoleDownloads());
        FetchSettings settings = fromEnvironment.settings();
        return offline ? fromEnvironment.withSettings(settings.withOffline(true)) : fromEnvironment;
    }

    /**
     * The file for {@code weights}, refusing a pretrained entry of another architecture than the network's before
     * anything is downloaded.
     */
    Path resolve(String weights, ModelConfig config) throws IOException {
        PretrainedWeights pretrained = pretrained();
        Optional<PretrainedEntry> entry = pretrained.entryFor(weights);
        if (entry.isPresent() && config instanceof ResNetConfig resnet && !resnet.name().equals(entry.get().arch())) {
            throw new InvalidOptionException("--weights " + weights + " holds " + entry.get().arch() + " weights ("
                    + entry.get().name() + "), but the network is " + resnet.name() + ": use --arch " + entry.get().arch());
        }
        return pretrained.resolve(weights);
    }

    /** The pretrained entry {@code weights} names, or whose file it is. */
    Optional<PretrainedEntry> entryFor(String weights) {
        return pretrained().entryFor(weights);
    }
}
