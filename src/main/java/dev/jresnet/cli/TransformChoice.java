package dev.jresnet.cli;

import dev.jresnet.image.Preprocessing;
import dev.jresnet.weights.pretrained.PretrainedEntry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * classify's preprocessing: the evaluation transform of the pretrained entry the weights are (resnet50.IMAGENET1K_V2
 * resizes to 232), else torchvision's classic ImageNet transform; each option the user gives overrides its part.
 * The description says which was used, and what each override replaced.
 */
record TransformChoice(Preprocessing preprocessing, String description) {
    static TransformChoice choose(Optional<PretrainedEntry> entry, Integer resize, Integer crop, float[] mean, float[] std) {
        Preprocessing base = entry.map(PretrainedEntry::preprocessing).orElse(Preprocessing.IMAGENET);
        Preprocessing chosen = new Preprocessing(resize != null ? resize : base.resize(), crop != null ? crop : base.crop(),
                mean != null ? mean : base.mean(), std != null ? std : base.std());
        List<String> overrides = new ArrayList<>();
        if (resize != null && resize != base.resize()) {
            overrides.add("--resize " + resize + " (it is " + base.resize() + ")");
        }
        if (crop != null && crop != base.crop()) {
            overrides.add("--crop " + crop + " (it is " + base.crop() + ")");
        }
        if (mean != null && !Arrays.equals(mean, base.mean())) {
            overrides.add("--mean " + values(mean) + " (it is " + values(base.mean()) + ")");
        }
        if (std != null && !Arrays.equals(std, base.std())) {
            overrides.add("--std " + values(std) + " (it is " + values(base.std()) + ")");
        }
        String source = entry.map(e -> e.name() + "'s evaluation transform").orElse("torchvision's classic ImageNet evaluation transform");
        String interpolation = entry.map(PretrainedEntry::interpolation).orElse("bilinear");
        String description = "preprocessing: resize " + chosen.resize() + " (" + interpolation + "), center crop " + chosen.crop()
                + ", mean " + values(chosen.mean()) + ", std " + values(chosen.std()) + ": " + source
                + (overrides.isEmpty() ? "" : ", except " + String.join(", ", overrides));
        return new TransformChoice(chosen, description);
    }

    private static String values(float[] v) {
        return String.format(Locale.ROOT, "%s,%s,%s", v[0], v[1], v[2]);
    }
}
