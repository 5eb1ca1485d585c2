package dev.jresnet;

/**
 * What the network computed for one image: its logits, or its pooled features (the classifier's input: 512 values
 * for resnet18/34, 2048 for the others), or why the image could not be read.
 *
 * @param source  the file, or the name given with the image
 * @param values  the logits or features; null when the image failed
 * @param failure why the image failed; null when it did not
 */
public record ImageOutput(String source, float[] values, String failure) {
    public boolean ok() {
        return failure == null;
    }
}
