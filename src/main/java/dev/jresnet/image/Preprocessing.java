package dev.jresnet.image;

import dev.jresnet.tensor.Tensor;

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
            throw new IllegalArgumentException("resize and crop must be positive, mean and std three values each");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std values must be positive, got " + s);
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    public Preprocessing withSizes(int newResize, int newCrop) {
        return new Preprocessing(newResize, newCrop, mean, std);
    }

    /** (3, crop, crop) float32, normalized. */
    public Tensor apply(RgbImage image) {
        int w = image.width();
        int h = image.height();
        // torchvision: the shorter side becomes `resize`, the longer int(resize * long / short) (truncated).
        int newW = w <= h ? resize : (int) ((long) resize * w / h);
        int newH = w <= h ? (int) ((long) resize * h / w) : resize;
        RgbImage resized = newW == w && newH == h ? image : PilResize.resize(image, newW, newH);
        // torchvision's center_crop: offsets int(round((size - crop) / 2.0)), Python rounding (half to even);
        // a crop larger than the image pads with zeros around it.
        int top = roundHalfEven((resized.height() - crop) / 2.0);
        int left = roundHalfEven((resized.width() - crop) / 2.0);
        Tensor out = Tensor.zeros(3, crop, crop);
        float[] v = out.data();
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < crop; y++) {
                int sy = y + top;
                for (int x = 0; x < crop; x++) {
                    int sx = x + left;
                    float value = sy >= 0 && sy < resized.height() && sx >= 0 && sx < resized.width()
                            ? resized.get(sx, sy, c) / 255f : 0f;
                    v[(c * crop + y) * crop + x] = (value - mean[c]) / std[c];
                }
            }
        }
        return out;
    }

    static int roundHalfEven(double v) {
        return (int) Math.rint(v);
    }
}
