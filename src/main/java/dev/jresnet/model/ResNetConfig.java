package dev.jresnet.model;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * torchvision's ResNet family as data, with torchvision's constructor arguments: block kind, blocks per stage,
 * groups, width_per_group, replace_stride_with_dilation and num_classes, plus the number of input channels
 * (torchvision fixes it at 3; the stem convolution takes any count here).
 */
public record ResNetConfig(String name, BlockKind block, int[] layers, int groups, int widthPerGroup,
                           boolean[] replaceStrideWithDilation, int numClasses, int inChannels) implements ModelConfig {

    public enum BlockKind {
        BASIC(1), BOTTLENECK(4);

        public final int expansion;

        BlockKind(int expansion) {
            this.expansion = expansion;
        }
    }

    private static final Map<String, Supplier<ResNetConfig>> NAMED = Map.of(
            "resnet18", () -> of("resnet18", BlockKind.BASIC, 2, 2, 2, 2),
            "resnet34", () -> of("resnet34", BlockKind.BASIC, 3, 4, 6, 3),
            "resnet50", () -> of("resnet50", BlockKind.BOTTLENECK, 3, 4, 6, 3),
            "resnet101", () -> of("resnet101", BlockKind.BOTTLENECK, 3, 4, 23, 3),
            "resnet152", () -> of("resnet152", BlockKind.BOTTLENECK, 3, 8, 36, 3),
            "resnext50_32x4d", () -> of("resnext50_32x4d", BlockKind.BOTTLENECK, 3, 4, 6, 3).withGroups(32, 4),
            "resnext101_32x8d", () -> of("resnext101_32x8d", BlockKind.BOTTLENECK, 3, 4, 23, 3).withGroups(32, 8),
            "resnext101_64x4d", () -> of("resnext101_64x4d", BlockKind.BOTTLENECK, 3, 4, 23, 3).withGroups(64, 4),
            "wide_resnet50_2", () -> of("wide_resnet50_2", BlockKind.BOTTLENECK, 3, 4, 6, 3).withGroups(1, 128),
            "wide_resnet101_2", () -> of("wide_resnet101_2", BlockKind.BOTTLENECK, 3, 4, 23, 3).withGroups(1, 128));

    public ResNetConfig {
        layers = layers.clone();
        replaceStrideWithDilation = replaceStrideWithDilation.clone();
        if (layers.length != 4 || Arrays.stream(layers).anyMatch(n -> n < 1)) {
            throw new InvalidModelException(name + ": layers must be 4 positive block counts, got " + Arrays.toString(layers));
        }
        if (replaceStrideWithDilation.length != 3) {
            throw new InvalidModelException(name + ": replace_stride_with_dilation must have 3 entries");
        }
        if (groups < 1 || widthPerGroup < 1) {
            throw new InvalidModelException(name + ": groups and width_per_group must be positive");
        }
        if (block == BlockKind.BASIC && (groups != 1 || widthPerGroup != 64)) {
            throw new InvalidModelException(name + ": BasicBlock only supports groups=1 and width_per_group=64");
        }
        if (block == BlockKind.BASIC) {
            for (boolean dilate : replaceStrideWithDilation) {
                if (dilate) {
                    throw new InvalidModelException(name + ": dilation > 1 is not supported in BasicBlock");
                }
            }
        }
        try {
            ModelLimits.check("num_classes", numClasses, ModelLimits.MAX_CLASSES);
            ModelLimits.check("in_channels", inChannels, ModelLimits.MAX_CHANNELS);
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException(name + ": " + e.getMessage(), e);
        }
    }

    /** The names {@link #named(String)} accepts, sorted. */
    public static List<String> names() {
        return NAMED.keySet().stream().sorted().toList();
    }

    /** A torchvision architecture by its function name, with 1000 classes and 3 input channels. */
    public static ResNetConfig named(String name) {
        Supplier<ResNetConfig> config = NAMED.get(name);
        if (config == null) {
            throw new InvalidModelException("unknown architecture '" + name + "'; known: " + String.join(", ", names()));
        }
        return config.get();
    }

    private static ResNetConfig of(String name, BlockKind block, int... layers) {
        return new ResNetConfig(name, block, layers, 1, 64, new boolean[3], 1000, 3);
    }

    public ResNetConfig withGroups(int groups, int widthPerGroup) {
        return new ResNetConfig(name, block, layers, groups, widthPerGroup, replaceStrideWithDilation, numClasses, inChannels);
    }

    public ResNetConfig withNumClasses(int numClasses) {
        return new ResNetConfig(name, block, layers, groups, widthPerGroup, replaceStrideWithDilation, numClasses, inChannels);
    }

    public ResNetConfig withInChannels(int inChannels) {
        return new ResNetConfig(name, block, layers, groups, widthPerGroup, replaceStrideWithDilation, numClasses, inChannels);
    }

    public ResNetConfig withReplaceStrideWithDilation(boolean layer2, boolean layer3, boolean layer4) {
        return new ResNetConfig(name, block, layers, groups, widthPerGroup, new boolean[]{layer2, layer3, layer4},
                numClasses, inChannels);
    }

    @Override
    public int[] layers() {
        return layers.clone();
    }

    @Override
    public boolean[] replaceStrideWithDilation() {
        return replaceStrideWithDilation.clone();
    }

    /** Channels of the pooled feature vector fed to the classifier: 512 x expansion. */
    public int featureChannels() {
        return 512 * block.expansion;
    }

    @Override
    public Graph graph() {
        return TorchvisionResNet.build(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResNetConfig c && name.equals(c.name) && block == c.block && Arrays.equals(layers, c.layers)
                && groups == c.groups && widthPerGroup == c.widthPerGroup
                && Arrays.equals(replaceStrideWithDilation, c.replaceStrideWithDilation)
                && numClasses == c.numClasses && inChannels == c.inChannels;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(layers) * 31 + name.hashCode();
    }

    @Override
    public String toString() {
        return name + "(" + block + " " + Arrays.toString(layers) + ", groups=" + groups + ", width_per_group="
                + widthPerGroup + ", replace_stride_with_dilation=" + Arrays.toString(replaceStrideWithDilation)
                + ", num_classes=" + numClasses + ", in_channels=" + inChannels + ")";
    }
}
