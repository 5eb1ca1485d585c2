package dev.jresnet.image;

import dev.jresnet.InvalidOptionException;
import dev.jresnet.tensor.Tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * torchvision's classic ImageNet evaluation transform, as a value: Resize(resize) on the shorter side (PIL
 * bilinear, antialiased), CenterCrop(crop), ToTensor (bytes / 255), Normalize(mean, std). The defaults are
 * ImageNet's: 256, 224, mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225).
 */
public record Preprocessing(int resize, int crop, float[] mean, float[] std) {
    public static final Preprocessing IMAGENET = new Preprocessing(256, 224, new float[]{0.485f, 0.456f, 0.406f},
            new float[]{0.229f, 0.224f, 0.225f});

    public Preprocessing {
        if (resize < 1 || crop < 1 || mean.length != 3 || std.length != 3) {
            throw new InvalidOptionException("resize and crop must be positive, mean and std three values each");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new InvalidOptionException("std values must be positive, got " + s);
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** Equal when the sizes and the mean and std values are (a record compares arrays by identity). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessing p && resize == p.resize && crop == p.crop && Arrays.equals(mean, p.mean)
                && Arrays.equals(std, p.std);
    }

    @Override
    public int hashCode() {
        return Objects.hash(resize, crop, Arrays.hashCode(mean), Arrays.hashCode(std));
    }

    @Override
    public String toString() {
        return "resize " + resize + ", center crop " + crop + ", mean " + Arrays.toString(mean) + ", std "
                + Arrays.toString(std);
    }

    public Preprocessing withSizes(int newResize, int newCrop) {
        return new Preprocessing(newResize, newCrop, mean, std);
    }

    /** (3, crop, crop) float32, normalized. */
    public Tensor apply(RgbImage image) {
        return normalize(crop(image));
    }

    /** The 8-bit image {@link #apply} normalizes: resized and center-cropped, (crop, crop) RGB. */
    public RgbImage crop(RgbImage image) {
        int w = image.width();
        int h = image.height();
        // torchvision: the shorter side becomes `resize`, the longer int(resize * long / short) (truncated).
        int newW = w <= h ? resize : (int) ((long) resize * w / h);
        int newH = w <= h ? (int) ((long) resize * h / w) : resize;
        RgbImage resized = newW == w && newH == h ? image : PilResize.resize(image, newW, newH);
        return centerCrop(resized);
    }

    /**
     * torchvision's center_crop: offsets int(round((size - crop) / 2.0)), Python rounding (half to even); a crop
     * larger than the image pads with zeros around it.
     */
    RgbImage centerCrop(RgbImage image) {
        int top = roundHalfEven((image.height() - crop) / 2.0);
        int left = roundHalfEven((image.width() - crop) / 2.0);
        byte[] rgb = new byte[3 * crop * crop];
        for (int y = 0; y < crop; y++) {
            int sy = y + top;
            for (int x = 0; x < crop; x++) {
                int sx = x + left;
                if (sy >= 0 && sy < image.height() && sx >= 0 && sx < image.width()) {
                    System.arraycopy(image.rgb(), 3 * (sy * image.width() + sx), rgb, 3 * (y * crop + x), 3);
                }
            }
        }
        return new RgbImage(crop, crop, rgb);
    }

    /**
     * ToTensor and Normalize: 8-bit RGB, interleaved (H, W, 3), to float32 (3, H, W) with out[c][y][x] =
     * (in[y][x][c] / 255 - mean[c]) / std[c], each step rounded as float32 as torchvision's are. The GPU's
     * normalize_u8 kernel computes the same for a batch.
     */
    public Tensor normalize(RgbImage image) {
        Tensor one = normalize(image.rgb(), 1, image.height(), image.width());
        return new Tensor(new int[]{3, image.height(), image.width()}, one.data());
    }

    /**
     * {@link #normalize(RgbImage)} for n images of height x width, interleaved one after another (N, H, W, 3) as
     * {@code GpuResNet.forwardImages} takes them: (N, 3, H, W).
     */
    public Tensor normalize(byte[] rgb, int n, int height, int width) {
        int plane = height * width;
        if (rgb.length != (long) n * plane * 3) {
            throw new IllegalArgumentException(n + " images of " + height + "x" + width + " RGB are " + (long) n * plane * 3
                    + " bytes, not " + rgb.length);
        }
        Tensor out = Tensor.zeros(n, 3, height, width);
        float[] v = out.data();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < plane; p++) {
                    v[(i * 3 + c) * plane + p] = ((rgb[(i * plane + p) * 3 + c] & 0xFF) / 255f - mean[c]) / std[c];
                }
            }
        }
        return out;
    }

    static int roundHalfEven(double v) {
        return (int) Math.rint(v);
    }
}
