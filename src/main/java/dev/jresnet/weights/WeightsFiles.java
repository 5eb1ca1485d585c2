package dev.jresnet.weights;

import dev.jresnet.weights.pth.PthReader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads weights in whichever format the file holds, told by its content rather than its name: safetensors (an
 * 8-byte header length, then a JSON object), or torch.save's .pth (a zip, or the legacy pickle).
 */
public final class WeightsFiles {
    private WeightsFiles() {
    }

    public static StateDict read(Path file) throws IOException {
        byte[] head = new byte[9];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "weights file not found");
        }
        boolean safetensors = n == 9 && head[8] == '{';
        boolean zip = n >= 2 && head[0] == 'P' && head[1] == 'K';
        boolean pickle = n >= 2 && (head[0] & 0xff) == 0x80;
        if (!safetensors && (zip || pickle)) {
            return PthReader.read(file);
        }
        if (safetensors || file.getFileName().toString().endsWith(".safetensors")) {
            // A damaged safetensors file gets the reader's own account of what is wrong with it.
            return SafetensorsReader.read(file);
        }
        throw new WeightsFormatException(file, "neither safetensors (an 8-byte header length, then '{') nor torch.save's "
                + ".pth (a zip, or a pickle before PyTorch 1.6)");
    }
}
