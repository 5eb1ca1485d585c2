package dev.jresnet.internal;

import dev.jresnet.tensor.Tensor;

import java.util.List;

/**
 * A batch for a network: inputs already normalized to float32, or 8-bit images that the network normalizes itself
 * (on a GPU, on the device: a quarter of the bytes to copy).
 */
public sealed interface NetworkInput permits NetworkInput.Floats, NetworkInput.Images {
    /** How many images (samples) the batch holds. */
    int samples();

    /** Whether {@code other} can run in one batch with this one: the same kind, the same size per sample. */
    boolean joins(NetworkInput other);

    /** Preprocessed inputs (N, C, H, W). */
    record Floats(Tensor batch) implements NetworkInput {
        @Override
        public int samples() {
            return batch.dim(0);
        }

        @Override
        public boolean joins(NetworkInput other) {
            return other instanceof Floats f && f.batch.size() / f.samples() == batch.size() / samples();
        }
    }

    /** n resized and cropped 8-bit RGB images of height x width, interleaved, one after another (N, H, W, 3). */
    record Images(byte[] rgb, int samples, int height, int width) implements NetworkInput {
        public Images {
            if (rgb.length != (long) samples * height * width * 3) {
                throw new IllegalArgumentException(samples + " images of " + height + "x" + width + " RGB are "
                        + (long) samples * height * width * 3 + " bytes, not " + rgb.length);
            }
        }

        @Override
        public boolean joins(NetworkInput other) {
            return other instanceof Images i && i.height == height && i.width == width;
        }
    }

    /** The batches one after another, in one batch; they all join the first. */
    static NetworkInput concat(List<NetworkInput> parts) {
        NetworkInput first = parts.get(0);
        int samples = parts.stream().mapToInt(NetworkInput::samples).sum();
        if (first instanceof Images im) {
            byte[] rgb = new byte[samples * im.height() * im.width() * 3];
            int at = 0;
            for (NetworkInput p : parts) {
                byte[] part = ((Images) p).rgb();
                System.arraycopy(part, 0, rgb, at, part.length);
                at += part.length;
            }
            return new Images(rgb, samples, im.height(), im.width());
        }
        int[] shape = ((Floats) first).batch().shape();
        shape[0] = samples;
        float[] data = new float[(int) Tensor.elementCount(shape)];
        int at = 0;
        for (NetworkInput p : parts) {
            Tensor t = ((Floats) p).batch();
            System.arraycopy(t.data(), 0, data, at, t.size());
            at += t.size();
        }
        return new Floats(new Tensor(shape, data));
    }
}
