package dev.jresnet.model;

import java.util.List;

/** The combinations a {@link BlockNetConfig} refuses, each reported with the option's name. */
final class BlockNetValidation {
    private BlockNetValidation() {
    }

    static void check(int inChannels, int numClasses, BlockNetConfig.Stem stem, List<BlockNetConfig.Stage> stages,
                      BlockNetConfig.Block b, double bnEps) {
        ModelLimits.check("in_channels", inChannels, ModelLimits.MAX_CHANNELS);
        ModelLimits.check("num_classes", numClasses, ModelLimits.MAX_CLASSES);
        if (!(bnEps > 0)) {
            throw new InvalidModelException("batch_norm.eps must be positive, got " + bnEps);
        }
        ModelLimits.check("stem.channels", stem.channels(), ModelLimits.MAX_CHANNELS);
        ModelLimits.check("stem.stride", stem.stride(), ModelLimits.MAX_WINDOW);
        if (stem.maxPool() != null) {
            ModelLimits.check("stem.max_pool.kernel_size", stem.maxPool().kernel(), ModelLimits.MAX_WINDOW);
            ModelLimits.check("stem.max_pool.stride", stem.maxPool().stride(), ModelLimits.MAX_WINDOW);
            ModelLimits.check("stem.max_pool.dilation", stem.maxPool().dilation(), ModelLimits.MAX_WINDOW);
        }
        oddKernel("stem.kernel_size", stem.kernelSize());
        if (stages.isEmpty()) {
            throw new InvalidModelException("stages must list at least one stage");
        }
        oddKernel("block.kernel_size", b.kernelSize());
        ModelLimits.check("block.dilation", b.dilation(), ModelLimits.MAX_WINDOW);
        long blocks = 0;
        int channels = stem.channels();
        for (int i = 0; i < stages.size(); i++) {
            BlockNetConfig.Stage s = stages.get(i);
            String where = "stages[" + i + "]";
            ModelLimits.check(where + ".channels", s.channels(), ModelLimits.MAX_CHANNELS);
            ModelLimits.check(where + ".stride", s.stride(), ModelLimits.MAX_WINDOW);
            ModelLimits.check(where + ".blocks", s.blocks(), ModelLimits.MAX_BLOCKS);
            blocks += s.blocks();
            if (b.depthwise() && s.channels() % channels != 0) {
                throw new InvalidModelException("block.depthwise: " + where + " goes from " + channels + " to "
                        + s.channels() + " channels; a depthwise convolution needs a whole multiple");
            }
            boolean changes = s.stride() != 1 || s.channels() != channels;
            boolean pooled = b.shortcut() == BlockNetConfig.Shortcut.MAX_POOL || b.shortcut() == BlockNetConfig.Shortcut.AVG_POOL;
            if (b.residual() && changes && pooled && s.channels() != channels) {
                throw new InvalidModelException("block.shortcut: " + b.shortcut().name().toLowerCase()
                        + " needs equal channel counts, but " + where + " goes from " + channels + " to " + s.channels());
            }
            if (b.residual() && changes && b.shortcut() == BlockNetConfig.Shortcut.IDENTITY_PAD && s.channels() < channels) {
                throw new InvalidModelException("block.shortcut: identity_pad cannot reduce channels, but " + where
                        + " goes from " + channels + " to " + s.channels());
            }
            channels = s.channels();
        }
        ModelLimits.check("blocks over all stages", blocks, ModelLimits.MAX_BLOCKS);
    }

    private static void oddKernel(String option, int k) {
        ModelLimits.check(option, k, ModelLimits.MAX_WINDOW);
        if (k % 2 == 0) {
            throw new InvalidModelException(option + " must be odd (so padding keeps the size), got " + k);
        }
    }
}
