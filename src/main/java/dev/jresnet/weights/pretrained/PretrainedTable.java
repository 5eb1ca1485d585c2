package dev.jresnet.weights.pretrained;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jresnet.InvalidOptionException;
import dev.jresnet.image.Preprocessing;
import dev.jresnet.model.ResNetConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The pretrained weights jresnet knows by name: torchvision's entries for its ResNet family (the JSON resource
 * torchvision.json, transcribed from torchvision's model definitions and held to them by a test). A name is
 * ARCH.TAG (resnet50.IMAGENET1K_V2) or ARCH.DEFAULT, which is the entry torchvision's DEFAULT points to.
 */
public final class PretrainedTable {
    private static final Pattern NAME = Pattern.compile("([a-z0-9_]+)\\.([A-Z0-9_]+)");
    private static final String DEFAULT = "DEFAULT";
    private static final Set<String> INTERPOLATIONS = Set.of("bilinear"); // what Preprocessing's resize implements
    private static final Set<String> CATEGORIES = Set.of("imagenet");

    private final List<PretrainedEntry> entries;

    private PretrainedTable(List<PretrainedEntry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** torchvision's entries, shipped in the jar. */
    public static PretrainedTable torchvision() {
        return Torchvision.TABLE;
    }

    private static final class Torchvision {
        static final PretrainedTable TABLE = load();

        private static PretrainedTable load() {
            try (InputStream in = PretrainedTable.class.getResourceAsStream("torchvision.json")) {
                if (in == null) {
                    throw new IllegalStateException("the jar lacks dev/jresnet/weights/pretrained/torchvision.json");
                }
                return read(in, "torchvision.json");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Reads a table in torchvision.json's format.
     *
     * @param source names the table in errors
     * @throws IllegalArgumentException naming the entry and the field that is wrong
     */
    public static PretrainedTable read(InputStream json, String source) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json);
        JsonNode list = root == null ? null : root.get("entries");
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException(source + ": expected an object with an \"entries\" array");
        }
        List<PretrainedEntry> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonNode node : list) {
            PretrainedEntry e = entry(node, source);
            if (!names.add(e.name())) {
                throw new IllegalArgumentException(source + ": " + e.name() + " is listed twice");
            }
            entries.add(e);
        }
        for (String arch : entries.stream().map(PretrainedEntry::arch).collect(Collectors.toCollection(TreeSet::new))) {
            long defaults = entries.stream().filter(e -> e.arch().equals(arch) && e.isDefault()).count();
            if (defaults != 1) {
                throw new IllegalArgumentException(source + ": " + arch + " has " + defaults + " default entries; it needs one");
            }
        }
        return new PretrainedTable(entries);
    }

    private static PretrainedEntry entry(JsonNode node, String source) {
        String name = text(node, "name", source, "?");
        var m = NAME.matcher(name);
        if (!m.matches() || m.group(2).equals(DEFAULT)) {
            throw new IllegalArgumentException(source + ": entry name '" + name + "' is not ARCH.TAG (resnet50.IMAGENET1K_V2)");
        }
        String arch = m.group(1);
        if (!ResNetConfig.names().contains(arch)) {
            throw new IllegalArgumentException(source + ": " + name + ": unknown architecture " + arch);
        }
        URI url;
        try {
            url = new URI(text(node, "url", source, name));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(source + ": " + name + ": url: " + e.getMessage());
        }
        if (!"https".equals(url.getScheme()) || url.getPath() == null) {
            throw new IllegalArgumentException(source + ": " + name + ": url must be https, got " + url);
        }
        String path = url.getPath();
        String file = path.substring(path.lastIndexOf('/') + 1);
        if (FileHash.prefixInName(file).map(String::length).orElse(0) < 8) {
            throw new IllegalArgumentException(source + ": " + name + ": file " + file
                    + " does not carry at least 8 hex digits of its SHA-256 (NAME-HEX.EXT)");
        }
        String interpolation = text(node.path("transform"), "interpolation", source, name);
        if (!INTERPOLATIONS.contains(interpolation)) {
            throw new IllegalArgumentException(source + ": " + name + ": interpolation " + interpolation + " is not "
                    + "implemented (only " + INTERPOLATIONS + ")");
        }
        String categories = text(node, "categories", source, name);
        if (!CATEGORIES.contains(categories)) {
            throw new IllegalArgumentException(source + ": " + name + ": unknown categories " + categories);
        }
        JsonNode t = node.path("transform");
        int resize = positiveInt(t, "resize", source, name);
        int crop = positiveInt(t, "crop", source, name);
        float[] mean = floats(t, "mean", source, name);
        float[] std = floats(t, "std", source, name);
        Preprocessing preprocessing;
        try {
            preprocessing = new Preprocessing(resize, crop, mean, std);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + name + ": transform: " + e.getMessage(), e);
        }
        return new PretrainedEntry(arch, m.group(2), bool(node, "default", source, name), url,
                positiveLong(node, "num_params", source, name), number(node, "acc@1", source, name),
                number(node, "acc@5", source, name), categories, interpolation, preprocessing);
    }

    public List<PretrainedEntry> entries() {
        return entries;
    }

    /** Whether a --weights value has the form of a pretrained name (ARCH.TAG) rather than of a file. */
    public static boolean looksLikeName(String value) {
        return NAME.matcher(value).matches();
    }

    /** The entry called {@code name} (ARCH.TAG or ARCH.DEFAULT), if there is one. */
    public Optional<PretrainedEntry> find(String name) {
        var m = NAME.matcher(name);
        if (!m.matches()) {
            return Optional.empty();
        }
        String arch = m.group(1);
        String tag = m.group(2);
        return entries.stream()
                .filter(e -> e.arch().equals(arch) && (tag.equals(DEFAULT) ? e.isDefault() : e.tag().equals(tag)))
                .findFirst();
    }

    /**
     * The entry called {@code name}.
     *
     * @throws InvalidOptionException naming what the architecture has (or which architectures have entries)
     */
    public PretrainedEntry require(String name) {
        return find(name).orElseThrow(() -> {
            String arch = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
            List<String> ofArch = entries.stream().filter(e -> e.arch().equals(arch))
                    .map(e -> e.name() + (e.isDefault() ? " (" + DEFAULT + ")" : "")).toList();
            if (ofArch.isEmpty()) {
                return new InvalidOptionException("no pretrained weights named " + name + "; there are some for "
                        + String.join(", ", entries.stream().map(PretrainedEntry::arch).distinct().toList())
                        + " (jresnet weights list)");
            }
            return new InvalidOptionException("no pretrained weights named " + name + "; " + arch + " has "
                    + String.join(", ", ofArch));
        });
    }

    /** The entry whose file has this name (resnet50-11ad3fa6.pth), if any. */
    public Optional<PretrainedEntry> byFileName(String fileName) {
        return entries.stream().filter(e -> e.fileName().equals(fileName)).findFirst();
    }

    private static JsonNode field(JsonNode node, String field, String source, String name) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(source + ": " + name + ": missing " + field);
        }
        return v;
    }

    private static String text(JsonNode node, String field, String source, String name) {
        JsonNode v = field(node, field, source, name);
        if (!v.isTextual()) {
            throw new IllegalArgumentException(source + ": " + name + ": " + field + " must be a string");
        }
        return v.asText();
    }

    private static boolean bool(JsonNode node, String field, String source, String name) {
        JsonNode v = field(node, field, source, name);
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(source + ": " + name + ": " + field + " must be true or false");
        }
        return v.asBoolean();
    }

    private static double number(JsonNode node, String field, String source, String name) {
        JsonNode v = field(node, field, source, name);
        if (!v.isNumber()) {
            throw new IllegalArgumentException(source + ": " + name + ": " + field + " must be a number");
        }
        return v.asDouble();
    }

    private static long positiveLong(JsonNode node, String field, String source, String name) {
        JsonNode v = field(node, field, source, name);
        if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 1) {
            throw new IllegalArgumentException(source + ": " + name + ": " + field + " must be a positive integer");
        }
        return v.asLong();
    }

    private static int positiveInt(JsonNode node, String field, String source, String name) {
        long v = positiveLong(node, field, source, name);
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(source + ": " + name + ": " + field + " is too large");
        }
        return (int) v;
    }

    private static float[] floats(JsonNode node, String field, String source, String name) {
        JsonNode v = field(node, field, source, name);
        if (!v.isArray() || v.size() != 3) {
            throw new IllegalArgumentException(source + ": " + name + ": " + field + " must be three numbers");
        }
        float[] out = new float[3];
        for (int i = 0; i < 3; i++) {
            if (!v.get(i).isNumber()) {
                throw new IllegalArgumentException(source + ": " + name + ": " + field + " must be three numbers");
            }
            out[i] = (float) v.get(i).asDouble();
        }
        return out;
    }
}
