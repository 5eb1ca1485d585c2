package dev.jresnet.model;

/**
 * Builds the graph of torchvision.models.resnet.ResNet for a {@link ResNetConfig}, layer for layer and with
 * torchvision's state_dict names (conv1, bn1, layerS.B.convK, layerS.B.downsample.{0,1}, fc).
 */
final class TorchvisionResNet {
    private static final double BN_EPS = 1e-5;

    private final ResNetConfig config;
    private final GraphBuilder g;
    private int inplanes = 64;
    private int dilation = 1;

    private TorchvisionResNet(ResNetConfig config) {
        this.config = config;
        this.g = new GraphBuilder(config.name(), config.inChannels());
    }

    static Graph build(ResNetConfig config) {
        return new TorchvisionResNet(config).build();
    }

    private Graph build() {
        int x = g.conv("conv1", g.input(), ConvSpec.square(config.inChannels(), 64, 7, 2, 3, 1, 1, false));
        x = g.batchNorm("bn1", x, 64, BN_EPS);
        x = g.relu("relu", x);
        x = g.maxPool("maxpool", x, new PoolSpec(3, 2, 1, 1, false));
        int[] layers = config.layers();
        boolean[] dilate = config.replaceStrideWithDilation();
        x = stage(x, 1, 64, layers[0], 1, false);
        x = stage(x, 2, 128, layers[1], 2, dilate[0]);
        x = stage(x, 3, 256, layers[2], 2, dilate[1]);
        x = stage(x, 4, 512, layers[3], 2, dilate[2]);
        x = g.globalAvgPool("avgpool", x);
        x = g.linear("fc", x, config.featureChannels(), config.numClasses(), true);
        return g.build(x);
    }

    /** torchvision's _make_layer: the first block may downsample; a dilated stage trades its stride for dilation. */
    private int stage(int x, int index, int planes, int blocks, int stride, boolean dilate) {
        int previousDilation = dilation;
        if (dilate) {
            dilation *= stride;
            stride = 1;
        }
        int expansion = config.block().expansion;
        boolean downsample = stride != 1 || inplanes != planes * expansion;
        String prefix = "layer" + index + ".";
        x = block(prefix + "0", x, planes, stride, downsample, previousDilation);
        inplanes = planes * expansion;
        for (int b = 1; b < blocks; b++) {
            x = block(prefix + b, x, planes, 1, false, dilation);
        }
        return x;
    }

    private int block(String name, int x, int planes, int stride, boolean downsample, int blockDilation) {
        int identity = x;
        // The shortcut is built before the main branch so that the residual is ready when the last convolution runs
        // (the planner fuses "conv + residual + ReLU" only when the residual is already computed).
        if (downsample) {
            int outChannels = planes * config.block().expansion;
            identity = g.conv(name + ".downsample.0", x, ConvSpec.square(inplanes, outChannels, 1, stride, 0, 1, 1, false));
            identity = g.batchNorm(name + ".downsample.1", identity, outChannels, BN_EPS);
        }
        int out = config.block() == ResNetConfig.BlockKind.BASIC
                ? basicBranch(name, x, planes, stride)
                : bottleneckBranch(name, x, planes, stride, blockDilation);
        out = g.add(name + ".add", out, identity);
        return g.relu(name + ".relu", out);
    }

    private int basicBranch(String name, int x, int planes, int stride) {
        int out = g.conv(name + ".conv1", x, ConvSpec.square(inplanes, planes, 3, stride, 1, 1, 1, false));
        out = g.batchNorm(name + ".bn1", out, planes, BN_EPS);
        out = g.relu(name + ".relu1", out);
        out = g.conv(name + ".conv2", out, ConvSpec.square(planes, planes, 3, 1, 1, 1, 1, false));
        return g.batchNorm(name + ".bn2", out, planes, BN_EPS);
    }

    private int bottleneckBranch(String name, int x, int planes, int stride, int blockDilation) {
        int width = (int) (planes * (config.widthPerGroup() / 64.0)) * config.groups();
        int outChannels = planes * config.block().expansion;
        int out = g.conv(name + ".conv1", x, ConvSpec.square(inplanes, width, 1, 1, 0, 1, 1, false));
        out = g.batchNorm(name + ".bn1", out, width, BN_EPS);
        out = g.relu(name + ".relu1", out);
        out = g.conv(name + ".conv2", out,
                ConvSpec.square(width, width, 3, stride, blockDilation, blockDilation, config.groups(), false));
        out = g.batchNorm(name + ".bn2", out, width, BN_EPS);
        out = g.relu(name + ".relu2", out);
        out = g.conv(name + ".conv3", out, ConvSpec.square(width, outChannels, 1, 1, 0, 1, 1, false));
        return g.batchNorm(name + ".bn3", out, outChannels, BN_EPS);
    }
}
