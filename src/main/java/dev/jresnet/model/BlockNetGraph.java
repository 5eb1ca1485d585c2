package dev.jresnet.model;

/** Builds the graph of a {@link BlockNetConfig}, naming layers by its key layout. */
final class BlockNetGraph {
    private final BlockNetConfig config;
    private final GraphBuilder g;
    private final boolean sequential;

    private BlockNetGraph(BlockNetConfig config) {
        this.config = config;
        this.g = new GraphBuilder(config.name(), config.inChannels());
        this.sequential = config.keyLayout() == BlockNetConfig.KeyLayout.SEQUENTIAL;
    }

    static Graph build(BlockNetConfig config) {
        return new BlockNetGraph(config).build();
    }

    private Graph build() {
        BlockNetConfig.Stem stem = config.stem();
        String conv = sequential ? "net.0.0" : "conv1";
        String bn = sequential ? "net.0.1" : "bn1";
        int x = g.conv(conv, g.input(), ConvSpec.square(config.inChannels(), stem.channels(), stem.kernelSize(),
                stem.stride(), (stem.kernelSize() - 1) / 2, 1, 1, stem.bias()), stem.paddingMode());
        x = g.batchNorm(bn, x, stem.channels(), config.bnEps());
        x = g.relu(sequential ? "net.0.2" : "relu", x);
        if (stem.maxPool() != null) {
            x = g.maxPool(sequential ? "net.0.3" : "maxpool", x, stem.maxPool());
        }
        int channels = stem.channels();
        for (int s = 0; s < config.stages().size(); s++) {
            BlockNetConfig.Stage stage = config.stages().get(s);
            for (int b = 0; b < stage.blocks(); b++) {
                String prefix = (sequential ? "net." + (s + 1) : "layer" + (s + 1)) + "." + b;
                x = block(prefix, x, channels, stage.channels(), b == 0 ? stage.stride() : 1);
                channels = stage.channels();
            }
        }
        int stages = config.stages().size();
        x = g.globalAvgPool(sequential ? "net." + (stages + 1) : "avgpool", x);
        x = g.linear(sequential ? "net." + (stages + 3) : "fc", x, channels, config.numClasses(), true);
        return g.build(x);
    }

    private int block(String name, int x, int in, int out, int stride) {
        BlockNetConfig.Block b = config.block();
        int identity = x;
        if (b.residual() && (stride != 1 || in != out)) {
            identity = shortcut(name, x, in, out, stride);
        }
        int pad = b.padding();
        int k = b.kernelSize();
        int y = g.conv(name + ".conv1", x, new ConvSpec(in, out, k, k, stride, stride, pad, pad, b.dilation(), b.dilation(),
                b.depthwise() ? in : 1, b.bias()), b.paddingMode());
        y = g.batchNorm(name + ".bn1", y, out, config.bnEps());
        y = g.relu(name + ".relu1", y);
        int groups = b.depthwise() ? out : 1;
        if (b.separable()) {
            y = g.conv(name + ".conv2.0", y, new ConvSpec(out, out, k, 1, 1, 1, pad, 0, b.dilation(), 1, groups, b.bias()),
                    b.paddingMode());
            y = g.conv(name + ".conv2.1", y, new ConvSpec(out, out, 1, k, 1, 1, 0, pad, 1, b.dilation(), groups, b.bias()),
                    b.paddingMode());
        } else {
            y = g.conv(name + ".conv2", y, new ConvSpec(out, out, k, k, 1, 1, pad, pad, b.dilation(), b.dilation(), groups,
                    b.bias()), b.paddingMode());
        }
        y = g.batchNorm(name + ".bn2", y, out, config.bnEps());
        if (b.residual()) {
            y = g.add(name + ".add", y, identity);
        }
        return b.finalRelu() ? g.relu(name + ".relu", y) : y;
    }

    /** Built before the main branch, so the planner can fuse the residual into the block's last convolution. */
    private int shortcut(String name, int x, int in, int out, int stride) {
        return switch (config.block().shortcut()) {
            case CONV -> {
                int y = g.conv(name + (sequential ? ".shortcut" : ".downsample.0"), x,
                        ConvSpec.square(in, out, 1, stride, 0, 1, 1, config.block().bias()));
                yield g.batchNorm(name + (sequential ? ".bn3" : ".downsample.1"), y, out, config.bnEps());
            }
            case IDENTITY_PAD -> g.channelPadShortcut(name + ".shortcut", x, stride, (out - in) / 2, out);
            case MAX_POOL -> g.maxPool(name + ".shortcut", x, new PoolSpec(stride, stride, 0, 1, true));
            case AVG_POOL -> g.avgPool(name + ".shortcut", x, new AvgPoolSpec(stride, stride, 0, true, true));
        };
    }
}
