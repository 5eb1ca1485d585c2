package dev.jresnet.model;

import java.util.List;

/**
 * A residual network built from one configurable block, stacked in stages: the variants beside torchvision's family
 * (the digit-recognition ResNet-18, plain networks, the ResNet paper's shortcut options, depthwise, separable and
 * dilated blocks, pooled shortcuts, padding modes).
 *
 * @param keyLayout how state_dict keys are named: torchvision's (conv1, layer1.0.conv1, fc) or one sequential
 *                  {@code net} (net.0.0 stem conv, net.1.0.conv1, net.2.0.shortcut, net.7 classifier)
 */
public record BlockNetConfig(String name, int inChannels, int numClasses, Stem stem, List<Stage> stages, Block block,
                             KeyLayout keyLayout, double bnEps, double bnMomentum) implements ModelConfig {

    public enum KeyLayout { TORCHVISION, SEQUENTIAL }

    /** How a block's shortcut changes shape when its stride or channel count does (otherwise it is the identity). */
    public enum Shortcut {
        /** Option B: 1x1 convolution with the block's stride, then BatchNorm. */
        CONV,
        /** Option A: parameter-free; subsample by the stride, zero-pad the new channels (half in front, half behind). */
        IDENTITY_PAD,
        /** Max pooling with kernel = stride (ceil mode, so odd sizes match the main path); channels must agree. */
        MAX_POOL,
        /** Average pooling with kernel = stride (ceil mode); channels must agree. */
        AVG_POOL
    }

    /** The stem: one convolution, BatchNorm, ReLU and an optional max pooling. */
    public record Stem(int channels, int kernelSize, int stride, boolean bias, PaddingMode paddingMode, PoolSpec maxPool) {
    }

    public record Stage(int channels, int blocks, int stride) {
    }

    /**
     * The residual block: conv1 (k x k, the stage's stride) -> BN -> ReLU -> conv2 (k x k, or k x 1 then 1 x k when
     * separable) -> BN, plus the shortcut when {@code residual}, then ReLU unless {@code finalRelu} is off. Padding
     * is dilation * (k - 1) / 2, which keeps the size at stride 1.
     */
    public record Block(int kernelSize, int dilation, boolean residual, boolean depthwise, boolean separable,
                        Shortcut shortcut, boolean finalRelu, boolean bias, PaddingMode paddingMode) {
        public int padding() {
            return dilation * (kernelSize - 1) / 2;
        }
    }

    public BlockNetConfig {
        stages = List.copyOf(stages);
        // Fields are assigned after this body, so the check gets the components themselves.
        BlockNetValidation.check(inChannels, numClasses, stem, stages, block, bnEps);
    }

    /**
     * The digit-recognition ResNet-18: 1 input channel, 10 classes, every convolution with a bias, projection
     * shortcuts with BN, state_dict laid out as one sequential {@code net}; {@code useResidual = false} drops every
     * shortcut (the plain 18-layer network).
     */
    public static BlockNetConfig digits(boolean useResidual) {
        return new BlockNetConfig(useResidual ? "digits_resnet18" : "digits_plain18", 1, 10,
                new Stem(64, 7, 2, true, PaddingMode.ZEROS, new PoolSpec(3, 2, 1, 1, false)),
                List.of(new Stage(64, 2, 1), new Stage(128, 2, 2), new Stage(256, 2, 2), new Stage(512, 2, 2)),
                new Block(3, 1, useResidual, false, false, Shortcut.CONV, true, true, PaddingMode.ZEROS),
                KeyLayout.SEQUENTIAL, 1e-5, 0.1);
    }

    public int featureChannels() {
        return stages.get(stages.size() - 1).channels();
    }

    @Override
    public Graph graph() {
        return BlockNetGraph.build(this);
    }
}
