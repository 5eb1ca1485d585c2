package dev.jresnet.model;

import java.util.List;

/**
 * One layer of a {@link Graph}. Values are numbered; a node reads its input values and defines one output value.
 * Named layers own the state_dict entries "name.weight", "name.bias", ... as PyTorch would name them.
 */
public sealed interface Node {
    /** The layer's name: its state_dict prefix for layers with parameters, a descriptive path otherwise. */
    String name();

    List<Integer> inputs();

    int output();

    /** The shape of the output value, given the shapes of the inputs in the order of {@link #inputs()}. */
    Shape outputShape(List<Shape> inputShapes);

    /** The state_dict entries this layer reads, in PyTorch's order. */
    default List<ParameterSpec> parameters() {
        return List.of();
    }

    /** Multiply-accumulates per sample, for output shape {@code out}. */
    default long macs(Shape out) {
        return 0;
    }

    /** PyTorch's class name, for summaries. */
    String kind();

    /**
     * A convolution; with a padding mode other than zeros, the padding is PyTorch's F.pad in that mode followed by
     * the convolution without padding (the planner lowers it that way).
     */
    record Conv2d(String name, int input, int output, ConvSpec spec, PaddingMode paddingMode) implements Node {
        public List<Integer> inputs() {
            return List.of(input);
        }

        public Shape outputShape(List<Shape> in) {
            Shape s = in.get(0);
            // F.pad's limits: reflection needs a mirror image inside the input, circular at most one wrap.
            boolean tooWide = switch (paddingMode) {
                case REFLECT -> spec.padH() >= s.height() || spec.padW() >= s.width();
                case CIRCULAR -> spec.padH() > s.height() || spec.padW() > s.width();
                default -> false;
            };
            if (tooWide) {
                throw new InvalidModelException(name + ": " + paddingMode.pytorchName() + " padding of " + spec.padH()
                        + "x" + spec.padW() + " does not fit an input of " + s.height() + "x" + s.width());
            }
            return spec.outputShape(s);
        }

        public List<ParameterSpec> parameters() {
            int fanIn = spec.inChannels() / spec.groups() * spec.kernelH() * spec.kernelW();
            int fanOut = spec.outChannels() * spec.kernelH() * spec.kernelW();
            ParameterSpec weight = new ParameterSpec(name + ".weight", spec.weightShape(), ParameterRole.CONV_WEIGHT, fanIn, fanOut);
            if (!spec.bias()) {
                return List.of(weight);
            }
            return List.of(weight, new ParameterSpec(name + ".bias", new int[]{spec.outChannels()},
                    ParameterRole.CONV_BIAS, fanIn, fanOut));
        }

        public long macs(Shape out) {
            return spec.macs(out);
        }

        public String kind() {
            return "Conv2d";
        }
    }

    record BatchNorm2d(String name, int input, int output, int channels, double eps) implements Node {
        public List<Integer> inputs() {
            return List.of(input);
        }

        public Shape outputShape(List<Shape> in) {
            if (in.get(0).channels() != channels) {
                throw new InvalidModelException(name + " expects " + channels + " channels, got " + in.get(0));
            }
            return in.get(0);
        }

        public List<ParameterSpec> parameters() {
            int[] c = {channels};
            return List.of(
                    new ParameterSpec(name + ".weight", c, ParameterRole.BN_WEIGHT, channels, channels),
                    new ParameterSpec(name + ".bias", c, ParameterRole.BN_BIAS, channels, channels),
                    new ParameterSpec(name + ".running_mean", c, ParameterRole.BN_RUNNING_MEAN, channels, channels),
                    new ParameterSpec(name + ".running_var", c, ParameterRole.BN_RUNNING_VAR, channels, channels),
                    new ParameterSpec(name + ".num_batches_tracked", new int[0], ParameterRole.BN_NUM_BATCHES_TRACKED, 1, 1));
        }

        public String kind() {
            return "BatchNorm2d";
        }
    }

    record Relu(String name, int input, int output) implements Node {
        public List<Integer> inputs() {
            return List.of(input);
        }

        public Shape outputShape(List<Shape> in) {
            return in.get(0);
        }

        public String kind() {
            return "ReLU";
        }
    }

    record MaxPool2d(String name, int input, int output, PoolSpec spec) implements Node {
        public List<Integer> inputs() {
            return List.of(input);
        }

        public Shape outputShape(List<Shape> in) {
            return spec.outputShape(in.get(0));
        }

        public String kind() {
            return "MaxPool2d";
        }
    }

    /** Adaptive average pooling to 1x1 followed by flattening: (C, H, W) to (C). */
    record GlobalAvgPool(String name, int input, int output) implements Node {
        public List<Integer> inputs() {
            return List.of(input);
        }

        public Shape outputShape(List<Shape> in) {
            return new Shape(in.get(0).channels(), 1, 1);
        }

        public String kind() {
            return "AdaptiveAvgPool2d";
        }
    }

    record Linear(String name, int input, int output, int inFeatures, int outFeatures, boolean bias) implements Node {
        public List<Integer> inputs() {
            return List.of(input);
        }

        public Shape outputShape(List<Shape> in) {
            Shape s = in.get(0);
            if (s.elements() != inFeatures) {
                throw new InvalidModelException(name + " expects " + inFeatures + " features, got " + s);
            }
            return new Shape(outFeatures, 1, 1);
        }

        public List<ParameterSpec> parameters() {
            ParameterSpec weight = new ParameterSpec(name + ".weight", new int[]{outFeatures, inFeatures},
                    ParameterRole.LINEAR_WEIGHT, inFeatures, outFeatures);
            if (!bias) {
                return List.of(weight);
            }
            return List.of(weight, new ParameterSpec(name + ".bias", new int[]{outFeatures},
                    ParameterRole.LINEAR_BIAS, inFeatures, outFeatures));
        }

        public long macs(Shape out) {
            return (long) inFeatures * outFeatures;
        }

        public String kind() {
            return "Linear";
        }
    }

    record AvgPool2d(String name, int input, int output, AvgPoolSpec spec) implements Node {
        public List<Integer> inputs() {
            return List.of(input);
        }

        public Shape outputShape(List<Shape> in) {
            return spec.outputShape(in.get(0));
        }

        public String kind() {
            return "AvgPool2d";
        }
    }

    /**
     * The parameter-free shortcut of the ResNet paper's option A: keep every stride-th row and column, then add
     * {@code padBefore} zero channels in front and zero channels behind up to {@code outChannels}.
     */
    record ChannelPadShortcut(String name, int input, int output, int stride, int padBefore, int outChannels)
            implements Node {
        public List<Integer> inputs() {
            return List.of(input);
        }

        public Shape outputShape(List<Shape> in) {
            Shape s = in.get(0);
            if (padBefore < 0 || s.channels() + padBefore > outChannels) {
                throw new InvalidModelException(name + " cannot pad " + s.channels() + " channels to " + outChannels
                        + " with " + padBefore + " in front");
            }
            return new Shape(outChannels, (s.height() + stride - 1) / stride, (s.width() + stride - 1) / stride);
        }

        public String kind() {
            return "IdentityPadShortcut";
        }
    }

    /** Elementwise sum of two values of the same shape: the residual connection. */
    record Add(String name, int left, int right, int output) implements Node {
        public List<Integer> inputs() {
            return List.of(left, right);
        }

        public Shape outputShape(List<Shape> in) {
            if (!in.get(0).equals(in.get(1))) {
                throw new InvalidModelException(name + " adds " + in.get(0) + " and " + in.get(1));
            }
            return in.get(0);
        }

        public String kind() {
            return "Add";
        }
    }
}
