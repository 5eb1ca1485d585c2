package dev.jresnet.cli;

import dev.jresnet.InvalidOptionException;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks of option values, each failing with the option's name, its range and what was given. */
final class Options {
    private Options() {
    }

    static int atLeast(String option, int value, int min) {
        if (value < min) {
            throw new InvalidOptionException(option + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    /** A file the command will write: its folder must exist (checked before any work is done). */
    static Path writable(String option, Path file) {
        Path folder = file.toAbsolutePath().getParent();
        if (folder != null && !Files.isDirectory(folder)) {
            throw new InvalidOptionException(option + " " + file + ": the folder " + folder + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new InvalidOptionException(option + " " + file + " is a folder; give a file name");
        }
        return file;
    }

    /** A file the command will read: it must exist and be a file. */
    static Path readable(String option, Path file) {
        if (!Files.exists(file)) {
            throw new InvalidOptionException(option + " " + file + ": no such file");
        }
        if (Files.isDirectory(file)) {
            throw new InvalidOptionException(option + " " + file + " is a folder; give a file");
        }
        return file;
    }
}
