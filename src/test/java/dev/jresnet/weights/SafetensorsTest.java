package dev.jresnet.weights;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsEveryDtypeExactly() throws IOException {
        StateDict d = new StateDict()
                .put("a.weight", TensorData.ofFloats(new int[]{2, 3}, new float[]{1, -2, 3.5f, 0, 1e-8f, -0f}))
                .put("b.half", TensorData.ofFloats(new int[]{3}, new float[]{1, 2.5f, -65504}).convertTo(DType.F16))
                .put("c.bf16", TensorData.ofFloats(new int[]{2}, new float[]{1, -3}).convertTo(DType.BF16))
                .put("d.num_batches_tracked", TensorData.ofLongs(new int[0], new long[]{123456789012L}))
                .put("e.empty", TensorData.ofFloats(new int[]{0, 4}, new float[0]));
        Path f = dir.resolve("w.safetensors");
        SafetensorsWriter.write(f, d, Map.of("format", "pt"));
        StateDict back = SafetensorsReader.read(f);
        assertEquals(d.keys().stream().toList(), back.keys().stream().toList());
        for (String k : d.keys()) {
            assertEquals(d.get(k).orElseThrow(), back.get(k).orElseThrow(), k);
        }
        assertArrayEquals(new float[]{1, 2.5f, -65504}, back.floats("b.half"));
        assertArrayEquals(new float[]{1, -3}, back.floats("c.bf16"));
    }

    @Test
    void headerIsPaddedToEightBytesAsTheFormatRequires() throws IOException {
        Path f = write("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
        SafetensorsWriter.write(f, SafetensorsReader.read(f), Map.of());
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8);
    }

    @Test
    void truncatedFile() throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafetensorsWriter.write(good, new StateDict().put("w", TensorData.ofFloats(new int[]{4}, new float[4])), Map.of());
        byte[] bytes = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 3));
        assertRejected(cut, "tensor 'w': data_offsets [0, 16] run past the end of the data (13 bytes)");
        Files.write(cut, Arrays.copyOf(bytes, 5));
        assertRejected(cut, "truncated: 5 bytes");
    }

    @Test
    void headerLengthPastTheEnd() throws IOException {
        Path f = dir.resolve("h.safetensors");
        Files.write(f, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
        assertRejected(f, "header length 1000 runs past the end of the file (16 bytes)");
        Files.write(f, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).array());
        assertRejected(f, "header length 18446744073709551615 exceeds the limit of 104857600 bytes (maxHeaderBytes)");
    }

    @Test
    void overlappingOffsets() throws IOException {
        assertRejected(write("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "tensor 'b' overlaps tensor 'a'");
    }

    @Test
    void offsetsOutsideTheData() throws IOException {
        assertRejected(write("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 8),
                "data_offsets [8, 16] run past the end of the data (8 bytes)");
        assertRejected(write("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,0]}}", 4),
                "data_offsets [4, 0] are not a range");
    }

    @Test
    void holesInTheData() throws IOException {
        assertRejected(write("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8),
                "bytes 0 to 4 of the data belong to no tensor");
        assertRejected(write("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8),
                "the last 4 bytes of the data belong to no tensor");
    }

    @Test
    void dtypeOrShapeThatDoesNotMatchTheByteCount() throws IOException {
        assertRejected(write("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8),
                "tensor 'a': F32 shape [3] needs 12 bytes but data_offsets [0, 8] hold 8");
        assertRejected(write("{\"a\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[0,4]}}", 4),
                "F16 shape [2,2] needs 8 bytes");
        assertRejected(write("{\"a\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                "tensor 'a': dtype Q4 is not supported");
        assertRejected(write("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4),
                "shape entry -1 is not a size");
        assertRejected(write("{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,4]}}", 4),
                "is too large");
        // 2^30 floats fit an int count but not one byte array; offsets that match must not reach a narrowing cast.
        assertRejected(write("{\"a\":{\"dtype\":\"F32\",\"shape\":[32768,32768],\"data_offsets\":[0,4294967296]}}", 4),
                "needs 4294967296 bytes, more than one Java array holds");
    }

    @Test
    void malformedHeaders() throws IOException {
        assertRejected(write("{\"a\":", 0), "header is not valid JSON");
        assertRejected(write("[1,2]", 0), "header is not a JSON object");
        assertRejected(write("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "Duplicate field 'a'");
        assertRejected(write("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "data_offsets must be [begin, end]");
    }

    @Test
    void missingFileIsNamed() {
        Path f = dir.resolve("nope.safetensors");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> SafetensorsReader.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    private Path write(String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        Path f = dir.resolve("crafted.safetensors");
        Files.write(f, b.array());
        return f;
    }

    private static void assertRejected(Path f, String expected) {
        WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> SafetensorsReader.read(f));
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
    }
}
