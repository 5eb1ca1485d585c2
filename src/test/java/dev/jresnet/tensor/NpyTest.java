package dev.jresnet.tensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyTest {
    @TempDir
    Path dir;

    @Test
    void writesTheLayoutNumpyDocuments() throws IOException {
        Path f = dir.resolve("a.npy");
        Npy.write(f, new Tensor(new int[]{2, 3}, new float[]{1, 2, 3, 4, 5, 6}));
        byte[] bytes = Files.readAllBytes(f);
        // \x93NUMPY, version 1.0, little-endian header length, header ending in '\n', data 64-byte aligned
        assertEquals((byte) 0x93, bytes[0]);
        assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.US_ASCII));
        int headerLength = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        assertEquals(0, (10 + headerLength) % 64);
        String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), header);
        assertEquals('\n', header.charAt(header.length() - 1));
        ByteBuffer data = ByteBuffer.wrap(bytes, 10 + headerLength, 24).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1f, data.getFloat());
        assertEquals(bytes.length, 10 + headerLength + 24);
    }

    @Test
    void roundTripsFloat32AndFloat16OfAnyRank() throws IOException {
        for (int[] shape : new int[][]{{}, {5}, {2, 3}, {1, 3, 4, 5}}) {
            Tensor t = SeededRandom.normal(7, shape);
            Path f = dir.resolve("t" + shape.length + ".npy");
            Npy.write(f, t);
            Tensor back = Npy.read(f);
            assertArrayEquals(shape, back.shape());
            assertArrayEquals(t.data(), back.data());

            Npy.write(f, t, Npy.DType.F16);
            Tensor half = Npy.read(f);
            for (int i = 0; i < t.size(); i++) {
                assertEquals(Float16.toFloat(Float16.fromFloat(t.data()[i])), half.data()[i]);
            }
        }
    }

    @Test
    void readsBigEndianAndVersion2Headers() throws IOException {
        String dict = "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }";
        String header = dict + " ".repeat(64 - (12 + dict.length() + 1) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(12 + header.length() + 8);
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0});
        b.order(ByteOrder.LITTLE_ENDIAN).putInt(header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        b.order(ByteOrder.BIG_ENDIAN).putFloat(1.5f).putFloat(-2f);
        Path f = dir.resolve("be.npy");
        Files.write(f, b.array());
        assertArrayEquals(new float[]{1.5f, -2f}, Npy.read(f).data());
    }

    @Test
    void rejectsWhatItCannotReadNamingTheFile() throws IOException {
        Path good = dir.resolve("good.npy");
        Npy.write(good, new Tensor(new int[]{4}, new float[4]));
        byte[] bytes = Files.readAllBytes(good);

        assertRejected(Arrays.copyOf(bytes, bytes.length - 1), "needs 16 data bytes but the file has 15");
        assertRejected(Arrays.copyOf(bytes, 9), "file ends inside the 10-byte preamble");
        assertRejected(new String(bytes, StandardCharsets.ISO_8859_1).replace("<f4", "<f8").getBytes(StandardCharsets.ISO_8859_1),
                "dtype '<f8' is not supported");
        assertRejected(new String(bytes, StandardCharsets.ISO_8859_1).replace("False", "True ").getBytes(StandardCharsets.ISO_8859_1),
                "Fortran-order");
        assertRejected(new String(bytes, StandardCharsets.ISO_8859_1).replace("(4,)", "(-4,)").getBytes(StandardCharsets.ISO_8859_1),
                "is not a dimension");
        // 65536^4 = 2^64 overflows a long: refused with the format error, not an ArithmeticException.
        String huge = "(65536, 65536, 65536, 65536)";
        assertRejected(new String(bytes, StandardCharsets.ISO_8859_1).replace("(4,), }" + " ".repeat(huge.length() - 4), huge + ", }")
                        .getBytes(StandardCharsets.ISO_8859_1), "holds more elements than a Java array can");
        byte[] noMagic = bytes.clone();
        noMagic[1] = 'X';
        assertRejected(noMagic, "not a .npy file");
        byte[] longHeader = bytes.clone();
        longHeader[9] = (byte) 0xff; // header length 0xff40: past the end of the file
        assertRejected(longHeader, "runs past the end of the file");
    }

    @Test
    void anEmptyArrayMayHaveLargeDimensionsBesideTheZero() throws IOException {
        Path f = dir.resolve("empty.npy");
        Npy.write(f, new Tensor(new int[]{0, 65536, 65536, 65536, 65536}, new float[0]));
        assertArrayEquals(new int[]{0, 65536, 65536, 65536, 65536}, Npy.read(f).shape());
    }

    private void assertRejected(byte[] content, String expectedMessage) throws IOException {
        Path f = dir.resolve("bad.npy");
        Files.write(f, content);
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expectedMessage), e.getMessage());
    }
}
