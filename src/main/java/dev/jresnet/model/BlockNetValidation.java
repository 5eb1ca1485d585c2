package dev.jresnet.model;

import java.util.List;

/** The combinations a {@link BlockNetConfig} refuses, each reported with the option's name. */
final class BlockNetValidation {
    private BlockNetValidation() {
    }

    static void check(int inChannels, int numClasses, BlockNetConfig.Stem stem, List<BlockNetConfig.Stage> stages,
                      BlockNetConfig.Block b, double bnEps) {
        positive("in_channels", inChannels);
        positive("num_classes", numClasses);
        if (!(bnEps > 0)) {
            throw new IllegalArgumentException("batch_norm.eps must be positive, got " + bnEps);
        }
        positive("stem.channels", stem.channels());
        positive("stem.stride", stem.stride());
        oddKernel("stem.kernel_size", stem.kernelSize());
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("stages must list at least one stage");
        }
        oddKernel("block.kernel_size", b.kernelSize());
        positive("block.dilation", b.dilation());
        int channels = stem.channels();
        for (int i = 0; i < stages.size(); i++) {
            BlockNetConfig.Stage s = stages.get(i);
            String where = "stages[" + i + "]";
            positive(where + ".channels", s.channels());
            positive(where + ".blocks", s.blocks());
            positive(where + ".stride", s.stride());
            if (b.depthwise() && s.channels() % channels != 0) {
                throw new IllegalArgumentException("block.depthwise: " + where + " goes from " + channels + " to "
                        + s.channels() + " channels; a depthwise convolution needs a whole multiple");
            }
            boolean changes = s.stride() != 1 || s.channels() != channels;
            boolean pooled = b.shortcut() == BlockNetConfig.Shortcut.MAX_POOL || b.shortcut() == BlockNetConfig.Shortcut.AVG_POOL;
            if (b.residual() && changes && pooled && s.channels() != channels) {
                throw new IllegalArgumentException("block.shortcut: " + b.shortcut().name().toLowerCase()
                        + " needs equal channel counts, but " + where + " goes from " + channels + " to " + s.channels());
            }
            if (b.residual() && changes && b.shortcut() == BlockNetConfig.Shortcut.IDENTITY_PAD && s.channels() < channels) {
                throw new IllegalArgumentException("block.shortcut: identity_pad cannot reduce channels, but " + where
                        + " goes from " + channels + " to " + s.channels());
            }
            channels = s.channels();
        }
    }

    private static void positive(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be positive, got " + value);
        }
    }

    private static void oddKernel(String option, int k) {
        if (k < 1 || k % 2 == 0) {
            throw new IllegalArgumentException(option + " must be odd (so padding keeps the size), got " + k);
        }
    }
}
