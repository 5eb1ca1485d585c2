package dev.jresnet.weights.pretrained;

import dev.jresnet.image.Labels;
import dev.jresnet.image.Preprocessing;

import java.net.URI;
import java.util.Optional;

/**
 * One weights file torchvision publishes, with what torchvision says about it: where it is, the classes it predicts,
 * its size and accuracy, and the evaluation transform that accuracy was measured with.
 *
 * @param arch          the architecture, as {@code --arch} names it ("resnet50")
 * @param tag           torchvision's name for these weights ("IMAGENET1K_V2")
 * @param isDefault     whether torchvision's {@code DEFAULT} for the architecture is this entry
 * @param url           where torchvision downloads the file; its last path segment is the file name, which carries
 *                      the first hex digits of the file's SHA-256
 * @param numParams     the parameters torchvision counts
 * @param acc1          published ImageNet-1K top-1 accuracy, percent
 * @param acc5          published ImageNet-1K top-5 accuracy, percent
 * @param categories    which class names the outputs are: "imagenet" (torchvision's 1000, {@link Labels#imagenet()})
 * @param interpolation the resize's interpolation, as torchvision names it
 * @param preprocessing the evaluation transform: resize of the shorter side, center crop, mean and std
 */
public record PretrainedEntry(String arch, String tag, boolean isDefault, URI url, long numParams, double acc1,
                              double acc5, String categories, String interpolation, Preprocessing preprocessing) {
    /** How a user names the entry: ARCH.TAG. */
    public String name() {
        return arch + "." + tag;
    }

    /** The file name, as torch.hub caches it (resnet50-11ad3fa6.pth). */
    public String fileName() {
        String path = url.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The hex digits the file's SHA-256 must start with, read from the file name as torch.hub reads it. */
    public String hashPrefix() {
        Optional<String> prefix = FileHash.prefixInName(fileName());
        return prefix.orElseThrow(() -> new IllegalStateException(name() + ": " + fileName() + " carries no hash"));
    }

    /** The class names of the outputs. */
    public Labels labels() {
        return Labels.imagenet();
    }

    /** The transform in words: "resize 232 (bilinear), center crop 224". */
    public String transformDescription() {
        return "resize " + preprocessing.resize() + " (" + interpolation + "), center crop " + preprocessing.crop();
    }
}
