package example;

import dev.jresnet.Classification;
import dev.jresnet.ResNetModel;
import dev.jresnet.image.ImageFiles;

import java.nio.file.Path;
import java.util.List;

/** Classifies every image in a folder with resnet50: java example.ClassifyFolder WEIGHTS FOLDER. */
public class ClassifyFolder {
    public static void main(String[] args) throws Exception {
        try (ResNetModel model = ResNetModel.builder().architecture("resnet50").weights(Path.of(args[0])).build()) {
            int failed = 0;
            for (Classification c : model.classify(ImageFiles.collect(List.of(Path.of(args[1]))))) {
                System.out.println(c.source() + ": " + (c.ok() ? c.best().orElseThrow() : "FAILED: " + c.failure()));
                failed += c.ok() ? 0 : 1;
            }
            System.exit(failed == 0 ? 0 : 1);
        }
    }
}
