package dev.jresnet.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a model description file (JSON) into a {@link ModelConfig}. Two forms:
 * <pre>
 * {"arch": "resnet50", "num_classes": 10, "in_channels": 1, "replace_stride_with_dilation": [false, true, true]}
 * {"name": "...", "in_channels": 1, "num_classes": 10, "key_layout": "sequential",
 *  "batch_norm": {"eps": 1e-5, "momentum": 0.1},
 *  "stem": {"channels": 64, "kernel_size": 7, "stride": 2, "bias": true, "padding_mode": "zeros",
 *           "max_pool": {"kernel_size": 3, "stride": 2, "padding": 1, "dilation": 1, "ceil_mode": false}},
 *  "stages": [{"channels": 64, "blocks": 2, "stride": 1}, ...],
 *  "block": {"kernel_size": 3, "dilation": 1, "residual": true, "depthwise": false, "separable": false,
 *            "shortcut": "conv|identity_pad|max_pool|avg_pool", "final_relu": true, "bias": true,
 *            "padding_mode": "zeros|reflect|replicate|circular"}}
 * </pre>
 * Omitted options take torchvision's values (stem 7x7/2 with a 3x3/2 max pool, 3x3 blocks, conv shortcuts, no conv
 * bias, eps 1e-5); "max_pool": null removes the stem's pooling. Unknown keys and invalid combinations are errors
 * naming the option.
 */
public final class ModelDescription {
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /** Larger files are not model descriptions; the cap keeps a hostile file from exhausting memory. */
    public static final long MAX_BYTES = 1 << 20;

    private static final Set<String> TORCHVISION_KEYS = Set.of("arch", "name", "num_classes", "in_channels",
            "replace_stride_with_dilation");
    private static final Set<String> BLOCKNET_KEYS = Set.of("name", "num_classes", "in_channels", "key_layout",
            "batch_norm", "stem", "stages", "block");

    private ModelDescription() {
    }

    /** The descriptions shipped in the jar (resources/models/NAME.json), usable by name. */
    public static final List<String> BUNDLED = List.of("digits_resnet18", "digits_plain18", "cifar_resnet20_option_a",
            "separable_dilated_reflect", "resnet50_dilated_10cls");

    /** A description file, or the name of a bundled one (see {@link #BUNDLED}). */
    public static ModelConfig resolve(String fileOrName) throws IOException {
        Path file = Path.of(fileOrName);
        if (Files.isRegularFile(file)) {
            return read(file);
        }
        if (BUNDLED.contains(fileOrName)) {
            try (InputStream in = ModelDescription.class.getResourceAsStream("/models/" + fileOrName + ".json")) {
                return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), fileOrName);
            }
        }
        throw new NoSuchFileException(fileOrName, null,
                "no such model description file, nor a bundled one (" + String.join(", ", BUNDLED) + ")");
    }

    public static ModelConfig read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new IOException(file + ": " + size + " bytes is more than a model description may hold (" + MAX_BYTES + ")");
        }
        return parse(Files.readString(file), file.toString());
    }

    /** @param source the file name, for messages */
    public static ModelConfig parse(String json, String source) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IOException(source + ": not valid JSON: " + e.getOriginalMessage());
        }
        try {
            if (root != null && root.has("arch")) {
                return torchvision(new JsonFields(root, "", TORCHVISION_KEYS));
            }
            return blockNet(new JsonFields(root, "", BLOCKNET_KEYS));
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException(source + ": " + e.getMessage(), e);
        }
    }

    private static ResNetConfig torchvision(JsonFields f) {
        ResNetConfig c = ResNetConfig.named(f.text("arch", null))
                .withNumClasses(f.integer("num_classes", 1000))
                .withInChannels(f.integer("in_channels", 3));
        if (f.has("replace_stride_with_dilation")) {
            List<JsonNode> d = f.array("replace_stride_with_dilation", 3);
            for (JsonNode b : d) {
                if (!b.isBoolean()) {
                    throw new InvalidModelException("replace_stride_with_dilation must hold true/false values");
                }
            }
            c = c.withReplaceStrideWithDilation(d.get(0).booleanValue(), d.get(1).booleanValue(), d.get(2).booleanValue());
        }
        return c;
    }

    private static BlockNetConfig blockNet(JsonFields f) {
        if (!f.has("stages")) {
            throw new InvalidModelException("needs either \"arch\" (a torchvision architecture) or \"stages\"");
        }
        JsonFields bn = f.has("batch_norm") ? f.object("batch_norm", Set.of("eps", "momentum")) : null;
        List<BlockNetConfig.Stage> stages = new ArrayList<>();
        List<JsonNode> items = f.array("stages", -1);
        for (int i = 0; i < items.size(); i++) {
            JsonFields s = new JsonFields(items.get(i), "stages[" + i + "]", Set.of("channels", "blocks", "stride"));
            stages.add(new BlockNetConfig.Stage(s.integer("channels", 0), s.integer("blocks", 0), s.integer("stride", 1)));
        }
        return new BlockNetConfig(f.text("name", "custom"), f.integer("in_channels", 3), f.integer("num_classes", 1000),
                stem(f), stages, block(f), f.choice("key_layout", BlockNetConfig.KeyLayout.TORCHVISION, BlockNetConfig.KeyLayout.class),
                bn == null ? 1e-5 : bn.number("eps", 1e-5), bn == null ? 0.1 : bn.number("momentum", 0.1));
    }

    private static BlockNetConfig.Stem stem(JsonFields root) {
        Set<String> keys = Set.of("channels", "kernel_size", "stride", "bias", "padding_mode", "max_pool");
        JsonFields s = root.has("stem") ? root.object("stem", keys) : null;
        PoolSpec pool = new PoolSpec(3, 2, 1, 1, false);
        if (s != null && s.has("max_pool")) {
            JsonFields p = s.object("max_pool", Set.of("kernel_size", "stride", "padding", "dilation", "ceil_mode"));
            int kernel = p.integer("kernel_size", 3);
            pool = new PoolSpec(kernel, p.integer("stride", kernel), p.integer("padding", 0), p.integer("dilation", 1),
                    p.bool("ceil_mode", false));
        } else if (s != null && s.isNull("max_pool")) {
            pool = null;
        }
        return new BlockNetConfig.Stem(s == null ? 64 : s.integer("channels", 64), s == null ? 7 : s.integer("kernel_size", 7),
                s == null ? 2 : s.integer("stride", 2), s != null && s.bool("bias", false),
                s == null ? PaddingMode.ZEROS : paddingMode(s), pool);
    }

    private static BlockNetConfig.Block block(JsonFields root) {
        JsonFields b = root.has("block") ? root.object("block", Set.of("kernel_size", "dilation", "residual", "depthwise",
                "separable", "shortcut", "final_relu", "bias", "padding_mode")) : null;
        if (b == null) {
            return new BlockNetConfig.Block(3, 1, true, false, false, BlockNetConfig.Shortcut.CONV, true, false, PaddingMode.ZEROS);
        }
        return new BlockNetConfig.Block(b.integer("kernel_size", 3), b.integer("dilation", 1), b.bool("residual", true),
                b.bool("depthwise", false), b.bool("separable", false),
                b.choice("shortcut", BlockNetConfig.Shortcut.CONV, BlockNetConfig.Shortcut.class), b.bool("final_relu", true),
                b.bool("bias", false), paddingMode(b));
    }

    private static PaddingMode paddingMode(JsonFields f) {
        return f.choice("padding_mode", PaddingMode.ZEROS, PaddingMode.class);
    }
}
