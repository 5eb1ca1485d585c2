package dev.jresnet.spark;

import dev.jresnet.image.ImageDecoder;
import dev.jresnet.image.ImageSource;
import dev.jresnet.image.RgbImage;
import dev.jresnet.image.UnreadableImageException;
import org.apache.spark.ml.image.ImageSchema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;

/**
 * An image as Spark's image data source ({@code spark.read.format("image")}) holds it: pixels already decoded, row by
 * row, in OpenCV's channel order (gray; blue, green, red; or blue, green, red, alpha), 8 bits each. It becomes RGB
 * as PIL's convert("RGB") would make it (gray replicated, alpha dropped); the decoding was Spark's, so orientation
 * and colour handling are as Spark did them. An image Spark could not decode (its invalid-image row: no size, no
 * data) is an unreadable image.
 */
final class ImageStruct implements ImageSource {
    private final String origin;
    private final int height;
    private final int width;
    private final int channels;
    private final byte[] data;

    ImageStruct(Row image) {
        this.origin = ImageSchema.getOrigin(image);
        this.height = ImageSchema.getHeight(image);
        this.width = ImageSchema.getWidth(image);
        this.channels = ImageSchema.getNChannels(image);
        this.data = ImageSchema.getData(image);
    }

    /** True when {@code type} is the image data source's column type. */
    static boolean isImageColumn(DataType type) {
        return type.sameType(ImageSchema.columnSchema());
    }

    @Override
    public String name() {
        return origin;
    }

    @Override
    public RgbImage decode(ImageDecoder decoder) throws UnreadableImageException {
        if (height < 1 || width < 1 || data == null || data.length == 0) {
            throw new UnreadableImageException(origin, "Spark's image data source could not decode it");
        }
        if (channels != 1 && channels != 3 && channels != 4) {
            throw new UnreadableImageException(origin, channels + " channels: the image data source's images have 1, 3 or 4");
        }
        long pixels = (long) width * height;
        if (pixels * channels != data.length) {
            throw new UnreadableImageException(origin, "a " + width + "x" + height + " image of " + channels + " channels needs "
                    + pixels * channels + " bytes of data, it has " + data.length);
        }
        byte[] rgb = new byte[Math.toIntExact(pixels * 3)];
        for (int p = 0; p < pixels; p++) {
            int at = p * channels;
            if (channels == 1) {
                rgb[3 * p] = data[at];
                rgb[3 * p + 1] = data[at];
                rgb[3 * p + 2] = data[at];
            } else {
                rgb[3 * p] = data[at + 2];
                rgb[3 * p + 1] = data[at + 1];
                rgb[3 * p + 2] = data[at];
            }
        }
        return new RgbImage(width, height, rgb);
    }
}
