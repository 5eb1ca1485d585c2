package dev.jresnet.weights;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads the safetensors format: an 8-byte little-endian header length, a JSON header mapping each name to its dtype,
 * shape and [begin, end) byte offsets into the data that follows, then the data. Everything the header claims is
 * checked against the file before any tensor is allocated: the header lies inside the file, each dtype is known,
 * each byte count equals shape x dtype size, and the offsets cover the data exactly, without overlap or holes.
 */
public final class SafetensorsReader {
    public static final int MAX_RANK = 8;

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private SafetensorsReader() {
    }

    private record Entry(String name, DType dtype, int[] shape, long begin, long end) {
    }

    public static StateDict read(Path file) throws IOException {
        return read(file, SafetensorsLimits.DEFAULT);
    }

    /**
     * A file whose first 8 bytes cannot be a header length may be something else under this name: say what it looks
     * like rather than quote a header length of quintillions of bytes.
     */
    private static void notSafetensors(ByteBuffer first, Path file) throws WeightsFormatException {
        byte[] b = new byte[8];
        first.get(0, b);
        if (b[0] == 'P' && b[1] == 'K') {
            throw new WeightsFormatException(file, "not a safetensors file: it is a zip archive, as torch.save writes; "
                    + "name it .pth to read it as one");
        }
        boolean text = true;
        for (byte c : b) {
            text &= c >= 0x20 && c < 0x7f || c == '\n' || c == '\r' || c == '\t';
        }
        if (text) {
            throw new WeightsFormatException(file, "not a safetensors file: it begins with text (\""
                    + new String(b, StandardCharsets.US_ASCII).strip() + "...\"), not with an 8-byte header length");
        }
    }

    public static StateDict read(Path file, SafetensorsLimits limits) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            if (fileSize < 8) {
                throw new WeightsFormatException(file, "truncated: " + fileSize + " bytes, shorter than the 8-byte header length");
            }
            ByteBuffer first = read(channel, file, 0, 8).order(ByteOrder.LITTLE_ENDIAN);
            long headerLength = first.getLong(0);
            if (headerLength < 0 || headerLength > limits.maxHeaderBytes() || 8 + headerLength > fileSize) {
                notSafetensors(first, file);
            }
            if (headerLength < 0 || headerLength > limits.maxHeaderBytes()) {
                throw new WeightsFormatException(file, "header length " + Long.toUnsignedString(headerLength)
                        + " exceeds the limit of " + limits.maxHeaderBytes() + " bytes (maxHeaderBytes)");
            }
            if (8 + headerLength > fileSize) {
                throw new WeightsFormatException(file, "header length " + headerLength + " runs past the end of the file ("
                        + fileSize + " bytes): truncated or not a safetensors file");
            }
            String header = StandardCharsets.UTF_8.decode(read(channel, file, 8, (int) headerLength)).toString();
            long dataStart = 8 + headerLength;
            List<Entry> entries = parseHeader(header, file, limits);
            checkLayout(entries, fileSize - dataStart, file);
            StateDict dict = new StateDict();
            for (Entry e : entries) {
                ByteBuffer bytes = read(channel, file, dataStart + e.begin, (int) (e.end - e.begin));
                dict.put(e.name, new TensorData(e.dtype, e.shape, bytes.array()));
            }
            return dict;
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "weights file not found");
        }
    }

    private static List<Entry> parseHeader(String header, Path file, SafetensorsLimits limits) throws WeightsFormatException {
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (JsonProcessingException e) {
            throw new WeightsFormatException(file, "header is not valid JSON: " + e.getOriginalMessage());
        }
        if (!(root instanceof ObjectNode)) {
            throw new WeightsFormatException(file, "header is not a JSON object");
        }
        List<Entry> entries = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if (name.equals("__metadata__")) {
                continue;
            }
            entries.add(parseEntry(name, field.getValue(), file));
            if (entries.size() > limits.maxTensors()) {
                throw new WeightsFormatException(file, "more than " + limits.maxTensors() + " tensors (maxTensors)");
            }
        }
        return entries;
    }

    private static Entry parseEntry(String name, JsonNode node, Path file) throws WeightsFormatException {
        String where = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw new WeightsFormatException(file, where + ": header entry is not an object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new WeightsFormatException(file, where + ": no dtype");
        }
        DType dtype = DType.fromSafetensorsName(dtypeNode.asText()).orElseThrow(() -> new WeightsFormatException(file,
                where + ": dtype " + dtypeNode.asText() + " is not supported (F32, F16, BF16, I64)"));
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray() || shapeNode.size() > MAX_RANK) {
            throw new WeightsFormatException(file, where + ": shape must be an array of at most " + MAX_RANK + " sizes");
        }
        int[] shape = new int[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToInt() || !d.isIntegralNumber() || d.intValue() < 0) {
                throw new WeightsFormatException(file, where + ": shape entry " + d + " is not a size");
            }
            shape[i] = d.intValue();
            elements *= shape[i];
            if (elements > Integer.MAX_VALUE) {
                throw new WeightsFormatException(file, where + ": shape " + shapeNode + " is too large");
            }
        }
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2 || !offsets.get(0).canConvertToLong()
                || !offsets.get(1).canConvertToLong() || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()) {
            throw new WeightsFormatException(file, where + ": data_offsets must be [begin, end]");
        }
        long begin = offsets.get(0).longValue();
        long end = offsets.get(1).longValue();
        if (begin < 0 || end < begin) {
            throw new WeightsFormatException(file, where + ": data_offsets [" + begin + ", " + end + "] are not a range");
        }
        long expected = elements * dtype.bytes();
        if (expected > Integer.MAX_VALUE - 8) {
            // A tensor is held in one Java array; a larger one (as in a >2 GiB file) is refused, not cut short.
            throw new WeightsFormatException(file, where + ": " + dtype + " shape " + shapeNode + " needs " + expected
                    + " bytes, more than one Java array holds (" + (Integer.MAX_VALUE - 8) + ")");
        }
        if (end - begin != expected) {
            throw new WeightsFormatException(file, where + ": " + dtype + " shape " + shapeNode + " needs " + expected
                    + " bytes but data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** The tensors must tile the data exactly: in bounds, no overlap, no holes (the format's own rule). */
    private static void checkLayout(List<Entry> entries, long dataLength, Path file) throws WeightsFormatException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.end > dataLength) {
                throw new WeightsFormatException(file, "tensor '" + e.name + "': data_offsets [" + e.begin + ", " + e.end
                        + "] run past the end of the data (" + dataLength + " bytes): truncated file?");
            }
            if (e.begin < covered) {
                throw new WeightsFormatException(file, "tensor '" + e.name + "' overlaps tensor '" + previous.name + "' (bytes "
                        + e.begin + " to " + Math.min(covered, e.end) + ")");
            }
            if (e.begin > covered) {
                throw new WeightsFormatException(file, "bytes " + covered + " to " + e.begin + " of the data belong to no tensor");
            }
            covered = e.end;
            previous = e;
        }
        if (covered != dataLength) {
            throw new WeightsFormatException(file, "the last " + (dataLength - covered) + " bytes of the data belong to no tensor");
        }
    }

    private static ByteBuffer read(FileChannel channel, Path file, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new WeightsFormatException(file, "file ends early, at byte " + (position + buffer.position()));
            }
        }
        return buffer.flip();
    }
}
