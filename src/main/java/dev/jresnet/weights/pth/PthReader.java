package dev.jresnet.weights.pth;

import dev.jresnet.weights.StateDict;
import dev.jresnet.weights.TensorData;
import dev.jresnet.weights.WeightsFormatException;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads what torch.save wrote, without Python and without running code: the zip layout of PyTorch 1.6 and later
 * (ARCHIVE/data.pkl, ARCHIVE/data/KEY, ARCHIVE/byteorder) and the legacy layout before it (a magic number, a
 * protocol version, system info, the object, the storage keys, then each storage's bytes), both through
 * {@link RestrictedUnpickler}. A checkpoint that holds the state_dict under "state_dict" or "model" is unwrapped,
 * and DataParallel's "module." prefix is stripped.
 */
public final class PthReader {
    /** torch.serialization's MAGIC_NUMBER, the first pickle of a legacy file. */
    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final long LEGACY_PROTOCOL = 1001;

    private PthReader() {
    }

    public static StateDict read(Path file) throws IOException {
        return read(file, PthLimits.DEFAULT);
    }

    public static StateDict read(Path file, PthLimits limits) throws IOException {
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, 4) < 2) {
                throw new WeightsFormatException(file, "too short to be a .pth file");
            }
        }
        if (head[0] == 'P' && head[1] == 'K') {
            return readZip(file, limits);
        }
        if ((head[0] & 0xff) == 0x80) {
            return readLegacy(file, limits);
        }
        throw new WeightsFormatException(file, "neither a zip (torch.save since 1.6) nor a pickle (older torch.save)");
    }

    private static StateDict readZip(Path file, PthLimits limits) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String prefix = null;
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                    if (prefix != null) {
                        throw new WeightsFormatException(file, "two data.pkl entries in the archive");
                    }
                    prefix = name.substring(0, name.length() - "data.pkl".length());
                }
            }
            if (prefix == null) {
                throw new WeightsFormatException(file, "a zip without ARCHIVE/data.pkl: not written by torch.save");
            }
            ByteOrder order = ByteOrder.LITTLE_ENDIAN;
            ZipEntry byteorder = zip.getEntry(prefix + "byteorder");
            if (byteorder != null) {
                String value = new String(entry(zip, byteorder, 16, file, limits)).trim();
                if (value.equals("big")) {
                    order = ByteOrder.BIG_ENDIAN;
                } else if (!value.equals("little")) {
                    throw new WeightsFormatException(file, "byteorder '" + value + "' is neither little nor big");
                }
            }
            byte[] pickle = entry(zip, zip.getEntry(prefix + "data.pkl"), limits.maxPickleBytes(), file, limits);
            Object root = new RestrictedUnpickler(pickle, 0, file, prefix + "data.pkl", limits).load();
            Map<String, PickleValue.TensorView> views = stateDict(root, file, limits);
            Map<String, byte[]> storages = new HashMap<>();
            for (PickleValue.Storage s : storagesByKey(views, file).values()) {
                ZipEntry e = zip.getEntry(prefix + "data/" + s.key());
                if (e == null) {
                    throw new WeightsFormatException(file, "storage " + s.key() + " is missing (no " + prefix + "data/" + s.key() + ")");
                }
                byte[] bytes = entry(zip, e, limits.maxEntryBytes(), file, limits);
                checkStorageSize(s, bytes.length, file);
                storages.put(s.key(), bytes);
            }
            return materialize(views, storages, order, file);
        } catch (ZipException | EOFException | IllegalArgumentException e) {
            // Found by fuzzing: EOFException when an entry's local header lies past the end of a truncated file;
            // IllegalArgumentException when java.util.zip meets an entry name that is not valid UTF-8.
            throw new WeightsFormatException(file, "not a readable zip (truncated or corrupt): " + e.getMessage(), e);
        }
    }

    private static byte[] entry(ZipFile zip, ZipEntry e, long limit, Path file, PthLimits limits) throws IOException {
        long size = e.getSize();
        if (size > limit) {
            throw new WeightsFormatException(file, "entry " + e.getName() + " holds " + size + " bytes, over the limit of "
                    + limit);
        }
        if (e.getMethod() == ZipEntry.DEFLATED && e.getCompressedSize() > 0
                && (double) size / e.getCompressedSize() > limits.maxCompressionRatio()) {
            throw new WeightsFormatException(file, "entry " + e.getName() + " expands " + size / e.getCompressedSize()
                    + " times, over the limit of " + limits.maxCompressionRatio() + " (maxCompressionRatio): a zip bomb?");
        }
        try (InputStream in = zip.getInputStream(e)) {
            // The declared size is not trusted: read at most the limit, then check nothing is left.
            byte[] bytes = in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 8));
            if (in.read() >= 0) {
                throw new WeightsFormatException(file, "entry " + e.getName() + " is longer than the limit of " + limit + " bytes");
            }
            if (size >= 0 && bytes.length != size) {
                throw new WeightsFormatException(file, "entry " + e.getName() + " declares " + size + " bytes but holds " + bytes.length);
            }
            return bytes;
        }
    }

    private static StateDict readLegacy(Path file, PthLimits limits) throws IOException {
        long size = Files.size(file);
        if (size > limits.maxEntryBytes()) {
            throw new WeightsFormatException(file, "legacy .pth of " + size + " bytes, over the limit of " + limits.maxEntryBytes());
        }
        byte[] data = Files.readAllBytes(file);
        RestrictedUnpickler magic = new RestrictedUnpickler(data, 0, file, "the magic number", limits);
        Object m = magic.load();
        if (!(m instanceof BigInteger b && b.equals(LEGACY_MAGIC))) {
            throw new WeightsFormatException(file, "a pickle, but not one torch.save wrote (no magic number)");
        }
        RestrictedUnpickler protocol = new RestrictedUnpickler(data, magic.position(), file, "the protocol version", limits);
        if (!Long.valueOf(LEGACY_PROTOCOL).equals(protocol.load())) {
            throw new WeightsFormatException(file, "legacy protocol version is not " + LEGACY_PROTOCOL);
        }
        RestrictedUnpickler sysInfo = new RestrictedUnpickler(data, protocol.position(), file, "the system info", limits);
        ByteOrder order = sysInfo.load() instanceof Map<?, ?> info && Boolean.FALSE.equals(info.get("little_endian"))
                ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        RestrictedUnpickler object = new RestrictedUnpickler(data, sysInfo.position(), file, "the object", limits);
        Map<String, PickleValue.TensorView> views = stateDict(object.load(), file, limits);
        RestrictedUnpickler keysPickle = new RestrictedUnpickler(data, object.position(), file, "the storage keys", limits);
        if (!(keysPickle.load() instanceof List<?> keys)) {
            throw new WeightsFormatException(file, "the storage key list is missing");
        }
        Map<String, PickleValue.Storage> byKey = storagesByKey(views, file);
        Map<String, byte[]> storages = new HashMap<>();
        ByteBuffer rest = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        rest.position(keysPickle.position());
        for (Object listed : keys) {
            // Keys must be strings, checked before anything prints them (see TorchObjects.nonNegative).
            if (!(listed instanceof String k)) {
                throw new WeightsFormatException(file, "the storage key list holds a " + RestrictedUnpickler.describe(listed)
                        + ", not a string");
            }
            if (storages.containsKey(k)) {
                throw new WeightsFormatException(file, "storage " + k + " is listed twice");
            }
            PickleValue.Storage s = byKey.get(k);
            if (rest.remaining() < 8) {
                throw new WeightsFormatException(file, "file ends before storage " + k + " (truncated)");
            }
            long elements = rest.getLong();
            if (s == null) {
                throw new WeightsFormatException(file, "storage " + k + " is listed but no tensor uses it");
            }
            if (elements != s.elements()) {
                throw new WeightsFormatException(file, "storage " + k + " has " + elements + " elements, the pickle said " + s.elements());
            }
            int width = s.type().dtype.bytes();
            if (elements > rest.remaining() / width) {
                throw new WeightsFormatException(file, "storage " + k + " needs " + elements + " elements of " + width
                        + " bytes, " + rest.remaining() + " bytes remain (truncated)");
            }
            long byteCount = elements * width;
            if (byteCount > rest.remaining()) {
                throw new WeightsFormatException(file, "storage " + k + " needs " + byteCount + " bytes, " + rest.remaining() + " remain (truncated)");
            }
            byte[] storageBytes = new byte[(int) byteCount];
            rest.get(storageBytes);
            storages.put(s.key(), storageBytes);
        }
        for (String key : byKey.keySet()) {
            if (!storages.containsKey(key)) {
                throw new WeightsFormatException(file, "storage " + key + " is used but its data is missing");
            }
        }
        return materialize(views, storages, order, file);
    }

    /** The state_dict inside what was pickled: tensors by name, unwrapped and with "module." removed. */
    private static Map<String, PickleValue.TensorView> stateDict(Object root, Path file, PthLimits limits)
            throws WeightsFormatException {
        if (!(root instanceof Map<?, ?> map)) {
            throw new WeightsFormatException(file, "holds a " + RestrictedUnpickler.describe(root) + ", not a state_dict");
        }
        for (String key : List.of("state_dict", "model")) {
            if (map.get(key) instanceof Map<?, ?> inner) {
                map = inner;
                break;
            }
        }
        Map<String, PickleValue.TensorView> tensors = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String name)) {
                throw new WeightsFormatException(file, "state_dict key " + e.getKey() + " is not a string");
            }
            if (!(e.getValue() instanceof PickleValue.TensorView view)) {
                throw new WeightsFormatException(file, "'" + name + "' is a " + RestrictedUnpickler.describe(e.getValue())
                        + ", not a tensor");
            }
            String key = name.startsWith("module.") ? name.substring("module.".length()) : name;
            if (tensors.put(key, view) != null) {
                throw new WeightsFormatException(file, "'" + name + "' and another key both name tensor '" + key
                        + "' once DataParallel's \"module.\" prefix is removed");
            }
            if (tensors.size() > limits.maxTensors()) {
                throw new WeightsFormatException(file, "more than " + limits.maxTensors() + " tensors (maxTensors)");
            }
        }
        return tensors;
    }

    /** Each storage the tensors use, once; every tensor naming a key must agree on its type and size. */
    private static Map<String, PickleValue.Storage> storagesByKey(Map<String, PickleValue.TensorView> views, Path file)
            throws WeightsFormatException {
        Map<String, PickleValue.Storage> byKey = new HashMap<>();
        for (Map.Entry<String, PickleValue.TensorView> e : views.entrySet()) {
            PickleValue.Storage s = e.getValue().storage();
            PickleValue.Storage first = byKey.putIfAbsent(s.key(), s);
            if (first != null && !first.equals(s)) {
                throw new WeightsFormatException(file, "tensor '" + e.getKey() + "' declares storage " + s.key() + " as "
                        + s.elements() + " " + s.type().dtype + " elements, another tensor as " + first.elements() + " "
                        + first.type().dtype);
            }
        }
        return byKey;
    }

    private static void checkStorageSize(PickleValue.Storage s, long bytes, Path file) throws WeightsFormatException {
        int width = s.type().dtype.bytes();
        // Compared by division so that a forged element count cannot overflow into a match.
        if (bytes % width != 0 || bytes / width != s.elements()) {
            throw new WeightsFormatException(file, "storage " + s.key() + " holds " + bytes + " bytes, but the pickle declares "
                    + s.elements() + " " + s.type().dtype + " elements of " + width + " bytes");
        }
    }

    /** Whether the view's strides are C order (dimensions of size 1 may have any stride). */
    private static boolean contiguous(PickleValue.TensorView v) {
        long expected = 1;
        for (int d = v.shape().length - 1; d >= 0; d--) {
            if (v.shape()[d] != 1 && v.strides()[d] != expected) {
                return false;
            }
            expected *= v.shape()[d];
        }
        return true;
    }

    /** Copies each tensor's elements out of its storage in C order, honouring offset and strides, to little-endian. */
    private static StateDict materialize(Map<String, PickleValue.TensorView> views, Map<String, byte[]> storages,
                                         ByteOrder order, Path file) throws WeightsFormatException {
        StateDict dict = new StateDict();
        for (Map.Entry<String, PickleValue.TensorView> e : views.entrySet()) {
            PickleValue.TensorView v = e.getValue();
            int width = v.storage().type().dtype.bytes();
            long count = 1;
            long last = v.offset();
            try {
                for (int d = 0; d < v.shape().length; d++) {
                    count = Math.multiplyExact(count, v.shape()[d]);
                    if (v.shape()[d] > 0) {
                        last = Math.addExact(last, Math.multiplyExact(v.shape()[d] - 1, v.strides()[d]));
                    }
                    if (v.shape()[d] > Integer.MAX_VALUE || count > Integer.MAX_VALUE / 8) {
                        throw new WeightsFormatException(file, "tensor '" + e.getKey() + "' is too large");
                    }
                }
            } catch (ArithmeticException overflow) {
                throw new WeightsFormatException(file, "tensor '" + e.getKey() + "' has a size or stride that overflows");
            }
            if (count > 0 && last >= v.storage().elements()) {
                throw new WeightsFormatException(file, "tensor '" + e.getKey() + "' reads element " + last + " of storage "
                        + v.storage().key() + ", which has " + v.storage().elements());
            }
            int[] shape = new int[v.shape().length];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = (int) v.shape()[d];
            }
            byte[] out = new byte[(int) count * width];
            // An empty tensor reads nothing, so its offset may lie anywhere, as torch.load allows (found by fuzzing:
            // copying zero bytes from past the storage's end still threw).
            if (count > 0) {
                copyElements(v, storages.get(v.storage().key()), order, out);
            }
            dict.put(e.getKey(), new TensorData(v.storage().type().dtype, shape, out));
        }
        return dict;
    }

    /** Fills out with the view's elements in C order, little-endian; the view was checked to lie inside src. */
    private static void copyElements(PickleValue.TensorView v, byte[] src, ByteOrder order, byte[] out) {
        int width = v.storage().type().dtype.bytes();
        if (contiguous(v) && order == ByteOrder.LITTLE_ENDIAN) {
            System.arraycopy(src, (int) v.offset() * width, out, 0, out.length);
            return;
        }
        long[] shape = v.shape();
        long[] index = new long[shape.length];
        for (int i = 0; i < out.length / width; i++) {
            long element = v.offset();
            for (int d = 0; d < shape.length; d++) {
                element += index[d] * v.strides()[d];
            }
            for (int b = 0; b < width; b++) {
                // little-endian out; a big-endian file's element bytes are reversed
                out[i * width + b] = src[(int) element * width + (order == ByteOrder.LITTLE_ENDIAN ? b : width - 1 - b)];
            }
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
    }
}
