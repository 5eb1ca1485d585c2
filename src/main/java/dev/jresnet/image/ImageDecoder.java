package dev.jresnet.image;

import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.ImageProcessingException;
import com.drew.metadata.Metadata;
import com.drew.metadata.MetadataException;
import com.drew.metadata.exif.ExifIFD0Directory;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes JPEG, PNG, BMP, GIF, WebP and TIFF files (the first image of a multi-image file) to 8-bit RGB the way
 * PIL's {@code Image.open(f).convert("RGB")} sees them: grayscale
 * replicated to three channels, alpha dropped (not composited), palettes looked up, 16-bit samples reduced to their
 * high byte. Samples are read from the raster, never through Java's colour conversion (which would treat gray as
 * linear light). The EXIF orientation is applied, as PIL's ImageOps.exif_transpose does.
 */
public final class ImageDecoder {
    private final ImageLimits limits;

    public ImageDecoder(ImageLimits limits) {
        this.limits = limits;
    }

    public ImageDecoder() {
        this(ImageLimits.DEFAULT);
    }

    /** @throws UnreadableImageException naming the file and why it could not be decoded */
    public RgbImage decode(Path file) throws UnreadableImageException {
        // A FileImageInputStream closes its file when it is closed; an ImageInputStream wrapped around an
        // InputStream does not close that stream, which leaked a file descriptor per image (found by fuzzing).
        try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
            return Orientation.apply(toRgb(read(in, file.toString())), exifOrientation(() -> ImageMetadataReader.readMetadata(
                    file.toFile())));
        } catch (IOException e) {
            throw new UnreadableImageException(file, "cannot be decoded: " + e.getMessage());
        }
    }

    /**
     * An encoded image held in memory (a file's bytes, an upload, a database blob).
     *
     * @param source what to call it in errors
     */
    public RgbImage decode(byte[] encoded, String source) throws UnreadableImageException {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
            return Orientation.apply(toRgb(read(in, source)), exifOrientation(() -> ImageMetadataReader.readMetadata(
                    new ByteArrayInputStream(encoded))));
        } catch (IOException e) {
            throw new UnreadableImageException(source, "cannot be decoded: " + e.getMessage());
        }
    }

    /** An image already decoded by the caller: only converted to RGB (its orientation is the caller's). */
    public RgbImage decode(BufferedImage image, String source) throws UnreadableImageException {
        long pixels = (long) image.getWidth() * image.getHeight();
        if (pixels > limits.maxPixels()) {
            throw new UnreadableImageException(source, image.getWidth() + "x" + image.getHeight() + " = " + pixels
                    + " pixels, over the limit of " + limits.maxPixels() + " (maxPixels)");
        }
        return toRgb(image);
    }

    private BufferedImage read(ImageInputStream in, String source) throws UnreadableImageException {
        try {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new UnreadableImageException(source, "not an image format this build reads (JPEG, PNG, BMP, GIF, WebP, TIFF)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > limits.maxPixels()) {
                    throw new UnreadableImageException(source, reader.getWidth(0) + "x" + reader.getHeight(0) + " = " + pixels
                            + " pixels, over the limit of " + limits.maxPixels() + " (maxPixels)");
                }
                ImageReadParam param = reader.getDefaultReadParam();
                ImageTypeSpecifier stored = reader.getRawImageType(0);
                if (stored != null && !profileLessCmyk(stored)) {
                    param.setDestinationType(stored);
                }
                return reader.read(0, param);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof UnreadableImageException u) {
                throw u;
            }
            throw new UnreadableImageException(source, "cannot be decoded: " + e.getMessage());
        }
    }

    /**
     * Whether a reader's raw samples are CMYK without an ICC profile. PIL never applies an embedded colour profile, so
     * images are read as stored (TwelveMonkeys' JPEG and WebP readers would otherwise convert them by their profile:
     * 18 levels off on average for an Adobe RGB JPEG), except such CMYK: TwelveMonkeys hands a profile-less CMYK JPEG
     * over raw still inverted as Adobe stores it, while its own conversion of it is PIL's.
     */
    private static boolean profileLessCmyk(ImageTypeSpecifier type) {
        ColorSpace space = type.getColorModel().getColorSpace();
        return space.getType() == ColorSpace.TYPE_CMYK && !(space instanceof ICC_ColorSpace);
    }

    static RgbImage toRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        Raster raster = image.getRaster();
        int bands = raster.getNumBands();
        int[] bits = raster.getSampleModel().getSampleSize();
        IndexColorModel palette = image.getColorModel() instanceof IndexColorModel icm ? icm : null;
        // CMYK comes as its four inks (TIFF, and JPEG with a profile); reading them as RGB gave a wrong picture.
        boolean cmyk = bands == 4 && image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_CMYK;
        byte[] rgb = new byte[w * h * 3];
        int[] px = new int[bands];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.getPixel(x, y, px);
                int at = (y * w + x) * 3;
                if (palette != null) {
                    rgb[at] = (byte) palette.getRed(px[0]);
                    rgb[at + 1] = (byte) palette.getGreen(px[0]);
                    rgb[at + 2] = (byte) palette.getBlue(px[0]);
                } else if (cmyk) {
                    // PIL's CMYK to RGB, which torchvision's transform sees: each channel is 255 - ink - black.
                    rgb[at] = (byte) Math.max(0, 255 - px[0] - px[3]);
                    rgb[at + 1] = (byte) Math.max(0, 255 - px[1] - px[3]);
                    rgb[at + 2] = (byte) Math.max(0, 255 - px[2] - px[3]);
                } else if (bands < 3) {
                    byte g = (byte) toEightBits(px[0], bits[0]);
                    rgb[at] = g;
                    rgb[at + 1] = g;
                    rgb[at + 2] = g;
                } else {
                    rgb[at] = (byte) toEightBits(px[0], bits[0]);
                    rgb[at + 1] = (byte) toEightBits(px[1], bits[1]);
                    rgb[at + 2] = (byte) toEightBits(px[2], bits[2]);
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    /**
     * A sample of any depth as 8 bits: 16-bit keeps its high byte; fewer bits (a 5-6-5 BMP) scale as PIL unpacks
     * them, v * 255 / (2^bits - 1) rounded down (shifting them into the high bits instead darkened such images).
     */
    static int toEightBits(int value, int bits) {
        return bits == 8 ? value : bits > 8 ? value >> (bits - 8) : value * 255 / ((1 << bits) - 1);
    }

    /** Where the metadata comes from: a file or bytes. */
    private interface MetadataSource {
        Metadata read() throws ImageProcessingException, IOException;
    }

    /** EXIF orientation 1..8, or 1 when there is none (or the metadata cannot be read). */
    static int exifOrientation(MetadataSource source) {
        try {
            Metadata metadata = source.read();
            ExifIFD0Directory exif = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
            if (exif != null && exif.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
                int o = exif.getInt(ExifIFD0Directory.TAG_ORIENTATION);
                return o >= 1 && o <= 8 ? o : 1;
            }
        } catch (ImageProcessingException | IOException | MetadataException | RuntimeException e) {
            return 1; // metadata is optional: the pixels decoded, so the image stands as it is stored
        }
        return 1;
    }
}
