package dev.jresnet.weights.pretrained;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns what a user gives as weights into a file: a path as it is, or a pretrained name (resnet50.IMAGENET1K_V2,
 * resnet18.DEFAULT) into its file, found in PyTorch's cache or jresnet's, or downloaded into jresnet's. A named
 * file's SHA-256 is checked against the digits in its name every time it is used, wherever it was found.
 *
 * <pre>{@code
 * PretrainedWeights pretrained = PretrainedWeights.fromEnvironment();
 * Path file = pretrained.resolve("resnet50.IMAGENET1K_V2");               // cached, or fetched and verified
 * Preprocessing pre = pretrained.entryFor("resnet50.IMAGENET1K_V2").orElseThrow().preprocessing(); // resize 232
 * }</pre>
 */
public final class PretrainedWeights {
    private final PretrainedTable table;
    private final WeightsCaches caches;
    private final FetchSettings settings;
    private final DownloadListener listener;

    public PretrainedWeights(PretrainedTable table, WeightsCaches caches, FetchSettings settings, DownloadListener listener) {
        this.table = table;
        this.caches = caches;
        this.settings = settings;
        this.listener = listener;
    }

    /**
     * torchvision's table, the caches and settings this process's environment asks for (TORCH_HOME,
     * JRESNET_CACHE_DIR, JRESNET_OFFLINE, JRESNET_WEIGHTS_MIRROR, ...), downloads logged through System.Logger.
     */
    public static PretrainedWeights fromEnvironment() {
        return new PretrainedWeights(PretrainedTable.torchvision(), WeightsCaches.fromEnvironment(System.getenv()),
                FetchSettings.fromEnvironment(System.getenv()), new DownloadLog());
    }

    public PretrainedWeights withSettings(FetchSettings newSettings) {
        return new PretrainedWeights(table, caches, newSettings, listener);
    }

    public PretrainedWeights withListener(DownloadListener newListener) {
        return new PretrainedWeights(table, caches, settings, newListener);
    }

    public PretrainedTable table() {
        return table;
    }

    public WeightsCaches caches() {
        return caches;
    }

    public FetchSettings settings() {
        return settings;
    }

    /**
     * An existing file as it is; otherwise a pretrained name's file, cached or fetched (an existing file wins over a
     * name, so a file that happens to be called like one stays usable).
     *
     * @throws NoSuchFileException      when it is neither a file nor has the form of a name
     * @throws IllegalArgumentException for a name the table lacks, listing what there is
     * @throws WeightsHashException     for a cached file that fails its hash
     * @throws WeightsFetchException    when it is not cached and cannot be downloaded
     */
    public Path resolve(String fileOrName) throws IOException {
        Optional<Path> file = existingFile(fileOrName);
        if (file.isPresent()) {
            return file.get();
        }
        if (!PretrainedTable.looksLikeName(fileOrName)) {
            throw new NoSuchFileException(fileOrName, null, "no such weights file, and not a pretrained name such as "
                    + "resnet50.IMAGENET1K_V2 (jresnet weights list shows them)");
        }
        return fetch(table.require(fileOrName));
    }

    /**
     * The table's entry for a --weights value: the entry it names, or, for a file, the entry whose file name it has
     * (so that torchvision's file under its own name gets that entry's transform too).
     */
    public Optional<PretrainedEntry> entryFor(String fileOrName) {
        Optional<Path> file = existingFile(fileOrName);
        if (file.isPresent()) {
            Path name = file.get().getFileName();
            return name == null ? Optional.empty() : table.byFileName(name.toString());
        }
        return table.find(fileOrName);
    }

    /**
     * The entry's file where a cache has it, its hash checked; empty when no cache has it.
     *
     * @throws WeightsHashException when the cached file is corrupt or incomplete
     */
    public Optional<Path> cached(PretrainedEntry entry) throws IOException {
        Optional<Path> file = caches.find(entry.fileName());
        if (file.isPresent()) {
            FileHash.verify(file.get(), entry.hashPrefix());
        }
        return file;
    }

    /**
     * The entry's file: cached, or downloaded into jresnet's cache; either way its hash checked.
     *
     * @throws WeightsFetchException when it is not cached and downloads are off or fail
     */
    public Path fetch(PretrainedEntry entry) throws IOException {
        Optional<Path> cached = cached(entry);
        if (cached.isPresent()) {
            return cached.get();
        }
        if (settings.offline()) {
            throw new WeightsFetchException(entry.name() + " (" + entry.fileName() + ") is in none of "
                    + caches.searchOrder().stream().map(Path::toString).collect(Collectors.joining(", "))
                    + ", and downloads are off (JRESNET_OFFLINE or --offline); copy " + settings.urlOf(entry) + " into " + caches.own());
        }
        return new Downloader(settings, listener).download(settings.urlOf(entry), caches.own().resolve(entry.fileName()),
                entry.hashPrefix());
    }

    private static Optional<Path> existingFile(String value) {
        try {
            Path p = Path.of(value);
            return Files.exists(p) ? Optional.of(p) : Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }
}
