package dev.jresnet.model;

/** The shape of one sample's activation, (channels, height, width); a feature vector is (features, 1, 1). */
public record Shape(int channels, int height, int width) {
    public Shape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new InvalidModelException("shape " + channels + "x" + height + "x" + width + " has an empty dimension");
        }
    }

    public long elements() {
        return (long) channels * height * width;
    }

    @Override
    public String toString() {
        return height == 1 && width == 1 ? "[" + channels + "]" : "[" + channels + ", " + height + ", " + width + "]";
    }
}
