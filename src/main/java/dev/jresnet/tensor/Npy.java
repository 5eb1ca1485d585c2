package dev.jresnet.tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's .npy format (versions 1.0, 2.0 and 3.0), for float32 and float16 arrays in C order, either byte order.
 * Values are widened to float32 on read; on write, float16 rounds to nearest-even.
 */
public final class Npy {
    /** The element types this library reads and writes. */
    public enum DType {
        F32("f4", 4), F16("f2", 2);

        final String code;
        final int bytes;

        DType(String code, int bytes) {
            this.code = code;
            this.bytes = bytes;
        }
    }

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Headers past this are not NumPy's: it writes under 100 bytes for any realistic shape. */
    public static final int MAX_HEADER_BYTES = 1 << 16;
    public static final int MAX_RANK = 32;

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    public static Tensor read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            ByteBuffer preamble = readFully(channel, file, 0, 10, "the 10-byte preamble");
            byte[] magic = new byte[6];
            preamble.get(magic);
            for (int i = 0; i < MAGIC.length; i++) {
                if (magic[i] != MAGIC[i]) {
                    throw new NpyFormatException(file, "not a .npy file (no \\x93NUMPY magic)");
                }
            }
            int major = preamble.get() & 0xff;
            preamble.get(); // minor version: no behaviour depends on it
            long headerLength;
            long headerStart;
            if (major == 1) {
                headerLength = preamble.order(ByteOrder.LITTLE_ENDIAN).getShort(8) & 0xffff;
                headerStart = 10;
            } else if (major == 2 || major == 3) {
                ByteBuffer len = readFully(channel, file, 8, 4, "the header length");
                headerLength = len.order(ByteOrder.LITTLE_ENDIAN).getInt(0) & 0xffffffffL;
                headerStart = 12;
            } else {
                throw new NpyFormatException(file, "unsupported .npy version " + major);
            }
            if (headerLength > MAX_HEADER_BYTES) {
                throw new NpyFormatException(file, "header of " + headerLength + " bytes exceeds the limit of "
                        + MAX_HEADER_BYTES);
            }
            if (headerStart + headerLength > fileSize) {
                throw new NpyFormatException(file, "header length " + headerLength + " runs past the end of the file ("
                        + fileSize + " bytes)");
            }
            ByteBuffer headerBytes = readFully(channel, file, headerStart, (int) headerLength, "the header");
            String header = (major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).decode(headerBytes).toString();

            String descr = find(DESCR, header, file, "descr");
            if (find(FORTRAN, header, file, "fortran_order").equals("True")) {
                throw new NpyFormatException(file, "Fortran-order arrays are not supported; save a C-order array");
            }
            int[] shape = parseShape(find(SHAPE, header, file, "shape"), file);
            ByteOrder order;
            DType dtype;
            if (descr.length() == 3 && (descr.charAt(0) == '<' || descr.charAt(0) == '>' || descr.charAt(0) == '=')) {
                order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
                dtype = switch (descr.substring(1)) {
                    case "f4" -> DType.F32;
                    case "f2" -> DType.F16;
                    default -> null;
                };
            } else {
                order = ByteOrder.LITTLE_ENDIAN;
                dtype = null;
            }
            if (dtype == null) {
                throw new NpyFormatException(file, "dtype '" + descr + "' is not supported (float32 '<f4' or float16 '<f2')");
            }
            long count = elementCount(shape, file);
            long dataStart = headerStart + headerLength;
            long expected = count * dtype.bytes;
            if (fileSize - dataStart != expected) {
                throw new NpyFormatException(file, "shape " + Arrays.toString(shape) + " of " + descr + " needs "
                        + expected + " data bytes but the file has " + (fileSize - dataStart));
            }
            float[] values = new float[(int) count];
            ByteBuffer data = readFully(channel, file, dataStart, (int) expected, "the array data").order(order);
            if (dtype == DType.F32) {
                data.asFloatBuffer().get(values);
            } else {
                for (int i = 0; i < values.length; i++) {
                    values[i] = Float16.toFloat(data.getShort());
                }
            }
            return new Tensor(shape, values);
        }
    }

    public static void write(Path file, Tensor tensor) throws IOException {
        write(file, tensor, DType.F32);
    }

    public static void write(Path file, Tensor tensor, DType dtype) throws IOException {
        String dict = "{'descr': '<" + dtype.code + "', 'fortran_order': False, 'shape': " + pythonTuple(tensor.shape())
                + ", }";
        // Version 1.0: 10-byte preamble, header padded with spaces and ended by '\n' so data starts 64-aligned.
        int unpadded = 10 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        ByteBuffer buffer = ByteBuffer.allocate(10 + header.length() + tensor.size() * dtype.bytes).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        buffer.put(header.getBytes(StandardCharsets.ISO_8859_1));
        float[] values = tensor.data();
        if (dtype == DType.F32) {
            buffer.asFloatBuffer().put(values);
        } else {
            for (int i = 0; i < values.length; i++) {
                buffer.putShort(buffer.position() + 2 * i, Float16.fromFloat(values[i]));
            }
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(buffer.array());
        }
    }

    private static String pythonTuple(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return s.append(')').toString();
    }

    private static String find(Pattern pattern, String header, Path file, String key) throws NpyFormatException {
        Matcher m = pattern.matcher(header);
        if (!m.find()) {
            throw new NpyFormatException(file, "header has no valid '" + key + "' entry: " + abbreviate(header));
        }
        return m.group(1);
    }

    private static int[] parseShape(String text, Path file) throws NpyFormatException {
        List<Integer> dims = new ArrayList<>();
        for (String part : text.split(",")) {
            String trimmed = part.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (dims.size() == MAX_RANK) {
                throw new NpyFormatException(file, "shape has more than " + MAX_RANK + " dimensions");
            }
            try {
                int d = Integer.parseInt(trimmed);
                if (d < 0) {
                    throw new NumberFormatException();
                }
                dims.add(d);
            } catch (NumberFormatException e) {
                throw new NpyFormatException(file, "shape entry '" + abbreviate(trimmed) + "' is not a dimension");
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The shape's element count, refused as soon as a partial product passes what one Java array holds, so that
     * nothing can overflow: for four dimensions of 65536, Tensor.elementCount's exact product threw
     * ArithmeticException instead of this format error (found in review). A zero dimension makes any shape empty.
     */
    private static long elementCount(int[] shape, Path file) throws NpyFormatException {
        if (Arrays.stream(shape).anyMatch(d -> d == 0)) {
            return 0;
        }
        long count = 1;
        for (int d : shape) {
            count *= d;
            if (count > Integer.MAX_VALUE - 8) {
                throw new NpyFormatException(file, "shape " + Arrays.toString(shape) + " holds more elements than a Java "
                        + "array can (" + (Integer.MAX_VALUE - 8) + ")");
            }
        }
        return count;
    }

    private static ByteBuffer readFully(FileChannel channel, Path file, long position, int length, String what)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new NpyFormatException(file, "file ends inside " + what);
            }
        }
        return buffer.flip();
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
