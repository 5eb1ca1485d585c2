package dev.jresnet.image;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An image still to be decoded, and the name results and errors call it by: a file, encoded bytes held in memory (an
 * upload, a database blob, a row of a Spark job), or pixels another reader produced. Decoding runs where the caller
 * wants it: on the decode threads, ahead of the network, when the source is one of many.
 */
public interface ImageSource {
    /** What results and errors call the image: its file, or the name the caller gave it. */
    String name();

    /**
     * The image as 8-bit RGB.
     *
     * @param decoder the decoder of whoever asks, with its limits
     * @throws UnreadableImageException naming the image and why it could not be decoded
     */
    RgbImage decode(ImageDecoder decoder) throws UnreadableImageException;

    /** How a source turns into pixels with the decoder it is given. */
    @FunctionalInterface
    interface Decoding {
        RgbImage decode(ImageDecoder decoder) throws UnreadableImageException;
    }

    /** A source called {@code name} that decodes as {@code decoding} says. */
    static ImageSource of(String name, Decoding decoding) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(decoding, "decoding");
        return new ImageSource() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public RgbImage decode(ImageDecoder decoder) throws UnreadableImageException {
                return decoding.decode(decoder);
            }
        };
    }

    /** An image file (any format {@link ImageFiles#extensions()} lists), named by its path. */
    static ImageSource file(Path file) {
        Objects.requireNonNull(file, "file");
        return of(file.toString(), decoder -> decoder.decode(file));
    }

    /** An encoded image held in memory; {@code name} says which in results and errors. */
    static ImageSource encoded(byte[] encoded, String name) {
        Objects.requireNonNull(encoded, "encoded image");
        return of(name, decoder -> decoder.decode(encoded, name));
    }

    /** An image another reader decoded (its orientation is taken as it is). */
    static ImageSource decoded(BufferedImage image, String name) {
        Objects.requireNonNull(image, "image");
        return of(name, decoder -> decoder.decode(image, name));
    }
}
