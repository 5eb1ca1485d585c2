package dev.jresnet.weights.pretrained;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * torch.hub's integrity convention: a file named NAME-HEX.EXT must have a SHA-256 whose hex digest starts with HEX.
 * The digits are found as torch.hub finds them, by searching the name for {@code -([a-f0-9]*)\.}.
 */
public final class FileHash {
    private static final Pattern IN_NAME = Pattern.compile("-([a-f0-9]*)\\.");

    private FileHash() {
    }

    /** The hash digits in a file name; empty when there are none (nothing to check the file against). */
    public static Optional<String> prefixInName(String fileName) {
        Matcher m = IN_NAME.matcher(fileName);
        return m.find() && !m.group(1).isEmpty() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The file's SHA-256, as 64 lowercase hex digits. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Checks that the file's SHA-256 starts with {@code expectedPrefix}; returns the full digest.
     *
     * @throws WeightsHashException naming the file, both hashes and what to do
     */
    public static String verify(Path file, String expectedPrefix) throws IOException {
        String actual = sha256(file);
        if (!actual.startsWith(expectedPrefix)) {
            throw new WeightsHashException(file, expectedPrefix, actual);
        }
        return actual;
    }
}
