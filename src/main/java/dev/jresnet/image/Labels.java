package dev.jresnet.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Class names by index: ImageNet's 1000 (torchvision's list, shipped in the jar) or one per line from a file. */
public final class Labels {
    private final List<String> names;

    private Labels(List<String> names) {
        this.names = List.copyOf(names);
    }

    public static Labels imagenet() {
        try (InputStream in = Labels.class.getResourceAsStream("imagenet_classes.txt")) {
            return new Labels(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
        } catch (IOException e) {
            throw new IllegalStateException("the jar's ImageNet class names cannot be read", e);
        }
    }

    /** No names: every class is called "class N". */
    public static Labels none() {
        return new Labels(List.of());
    }

    public static Labels read(Path file) throws IOException {
        return new Labels(Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip).toList());
    }

    public int size() {
        return names.size();
    }

    public String name(int index) {
        return index < names.size() ? names.get(index) : "class " + index;
    }
}
