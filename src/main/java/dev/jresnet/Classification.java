package dev.jresnet;

import java.util.List;
import java.util.Optional;

/**
 * What {@link ResNetModel#classify} found for one image: its top classes, most probable first, or why the image
 * could not be classified (an unreadable file, an image too large); one bad image never fails the others.
 *
 * @param source  the file, or the name given with the image
 * @param top     the top-k predictions; empty when the image failed
 * @param failure why the image could not be classified; null when it was
 */
public record Classification(String source, List<Prediction> top, String failure) {
    public Classification {
        top = List.copyOf(top);
    }

    static Classification failed(String source, String why) {
        return new Classification(source, List.of(), why);
    }

    public boolean ok() {
        return failure == null;
    }

    /** The most probable class, if the image was classified. */
    public Optional<Prediction> best() {
        return top.stream().findFirst();
    }
}
