package dev.jresnet.gpu.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jresnet.CacheDirectory;
import dev.jresnet.gpu.GpuInfo;
import dev.jresnet.plan.Precision;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Measured convolution algorithms, kept in memory and, when a file is given, on disk, so that a second start on
 * the same machine skips cudnnFindConvolutionForwardAlgorithmEx. Entries are keyed by GPU, compute capability,
 * driver, CUDA runtime and cuDNN versions, precision and shape: a driver or cuDNN upgrade measures afresh. A
 * missing, unreadable or corrupt file is an empty cache (with one warning), never an error: the cache only saves
 * time. Saving merges with what other processes wrote meanwhile and replaces the file atomically.
 */
public final class AlgorithmCache {
    /** 2: each measurement carries its math type. */
    private static final int FORMAT = 2;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger LOG = System.getLogger(AlgorithmCache.class.getName());

    /** The file's content: a format number and the measurements by key. */
    record Contents(int format, Map<String, List<ConvAlgorithms.Measured>> entries) {
    }

    private static final Map<Path, AlgorithmCache> BY_FILE = new ConcurrentHashMap<>();
    private static final AlgorithmCache IN_MEMORY = new AlgorithmCache(null);

    private final Path file;
    private final Map<String, List<ConvAlgorithms.Measured>> entries = new ConcurrentHashMap<>();

    /** One cache per file in a process (networks built later reuse what earlier ones measured); null: memory only. */
    public static AlgorithmCache forFile(Path file) {
        return file == null ? IN_MEMORY : BY_FILE.computeIfAbsent(file.toAbsolutePath().normalize(), AlgorithmCache::new);
    }

    /** @param file where to keep the measurements across runs, or null for this process only */
    AlgorithmCache(Path file) {
        this.file = file;
        if (file != null) {
            entries.putAll(read(file));
        }
    }

    /** The default file: conv-algorithms.json in jresnet's cache folder ({@link CacheDirectory}). */
    public static Path defaultFile() {
        return CacheDirectory.of().resolve("conv-algorithms.json");
    }

    /** The key of one convolution shape on one GPU and software stack, in one precision. */
    static String key(GpuInfo gpu, Precision precision, String shape) {
        return gpu.name() + " sm" + gpu.computeMajor() + gpu.computeMinor() + "|driver CUDA " + gpu.driverCudaVersion()
                + "|runtime " + gpu.runtimeCudaVersion() + "|cuDNN " + gpu.cudnnVersion() + "|" + precision.label() + "|" + shape;
    }

    Optional<List<ConvAlgorithms.Measured>> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** Records a measurement and, with a file, saves at once (a crash later loses nothing measured). */
    void put(String key, List<ConvAlgorithms.Measured> measured) {
        entries.put(key, List.copyOf(measured));
        if (file != null) {
            save();
        }
    }

    int size() {
        return entries.size();
    }

    private synchronized void save() {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Map<String, List<ConvAlgorithms.Measured>> merged = new TreeMap<>(read(file));
            merged.putAll(entries);
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
            try {
                JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), new Contents(FORMAT, merged));
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot save convolution algorithms to " + file + " (" + e
                    + "); they will be measured again next time");
        }
    }

    private static Map<String, List<ConvAlgorithms.Measured>> read(Path file) {
        if (!Files.exists(file)) {
            return Map.of();
        }
        try {
            Contents c = JSON.readValue(file.toFile(), new TypeReference<Contents>() {
            });
            if (c == null || c.format() != FORMAT || c.entries() == null) {
                LOG.log(System.Logger.Level.WARNING, file + " is not a format-" + FORMAT + " algorithm cache; ignoring it");
                return Map.of();
            }
            Map<String, List<ConvAlgorithms.Measured>> valid = new TreeMap<>();
            c.entries().forEach((k, v) -> {
                if (k != null && v != null && v.stream().allMatch(AlgorithmCache::plausible)) {
                    valid.put(k, List.copyOf(v));
                }
            });
            return valid;
        } catch (JsonProcessingException e) {
            LOG.log(System.Logger.Level.WARNING, file + " is corrupt (" + e.getOriginalMessage() + "); ignoring it");
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read " + file + " (" + e + "); ignoring it");
        }
        return Map.of();
    }

    /** An entry edited by hand or damaged must not steer cuDNN to an algorithm number that does not exist. */
    private static boolean plausible(ConvAlgorithms.Measured m) {
        return m != null && m.algo() >= 0 && m.algo() < 16 && m.workspaceBytes() >= 0 && m.milliseconds() >= 0
                && !Float.isNaN(m.milliseconds()) && m.mathType() >= 0 && m.mathType() <= 3;
    }
}
