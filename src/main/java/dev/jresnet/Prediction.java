package dev.jresnet;

/**
 * One class among an image's top k.
 *
 * @param index       the class's position in the network's output
 * @param label       its name (ImageNet's, the labels given, or "class N")
 * @param probability its softmax probability
 */
public record Prediction(int index, String label, float probability) {
}
