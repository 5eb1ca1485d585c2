package dev.jresnet.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fuzz inputs go through the real file-reading code: one temporary file per JVM, rewritten for each input. */
final class FuzzFiles {
    private static Path file;

    private FuzzFiles() {
    }

    static synchronized Path write(byte[] data, String suffix) {
        try {
            if (file == null) {
                file = Files.createTempFile("jresnet-fuzz", suffix);
                file.toFile().deleteOnExit();
            }
            Files.write(file, data);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
