package dev.jresnet.weights.pth;

import dev.jresnet.weights.WeightsFormatException;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pickle reader that can only build what a PyTorch state_dict needs: numbers, strings, tuples, lists, dicts,
 * OrderedDicts, storages (through persistent ids) and tensors (torch._utils' rebuild functions). It never runs
 * code: a GLOBAL outside that short list, or a REDUCE of anything else, stops the read with an error naming it
 * (where torch.load without weights_only would have called it). Sizes are checked against the bytes that remain,
 * and the memo and the mark stack are capped, so a hostile pickle costs at most its own length in memory.
 */
final class RestrictedUnpickler {
    /**
     * The callables and classes a weights file may name. Every torch storage class is allowed as a name (none can be
     * called), so that a storage of an unsupported type is reported as that rather than as a forbidden global.
     */
    private static final Set<String> ALLOWED = Set.of(
            "collections.OrderedDict",
            "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
            "torch.FloatStorage", "torch.HalfStorage", "torch.BFloat16Storage", "torch.LongStorage",
            "torch.DoubleStorage", "torch.IntStorage", "torch.ShortStorage", "torch.CharStorage", "torch.ByteStorage",
            "torch.BoolStorage", "torch.ComplexFloatStorage", "torch.ComplexDoubleStorage");

    private static final Object MARK = new Object();

    private final byte[] data;
    private final Path file;
    private final String part;
    private final PthLimits limits;
    private int pos;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Integer, Object> memo = new HashMap<>();

    /**
     * @param file  the weights file, for messages
     * @param part  which pickle of the file ("archive/data.pkl", "the object"), for messages
     */
    RestrictedUnpickler(byte[] data, int start, Path file, String part, PthLimits limits) {
        this.data = data;
        this.pos = start;
        this.file = file;
        this.part = part;
        this.limits = limits;
    }

    /** Where the next pickle starts (the legacy format stores several in a row). */
    int position() {
        return pos;
    }

    Object load() throws WeightsFormatException {
        while (true) {
            int at = pos;
            int op = u8();
            switch (op) {
                case 0x80 -> u8(); // PROTO: any version; unknown opcodes are refused anyway
                case 0x95 -> bytes(8); // FRAME: a length hint
                case '.' -> {
                    Object result = pop();
                    if (!stack.isEmpty() || !marks.isEmpty()) {
                        throw error(at, "STOP with " + stack.size() + " values left on the stack");
                    }
                    return result;
                }
                case '(' -> {
                    if (marks.size() >= limits.maxNesting()) {
                        throw error(at, "nesting deeper than " + limits.maxNesting() + " (maxPickleNesting)");
                    }
                    marks.add(stack.size());
                    stack.add(MARK);
                }
                case '0' -> pop();
                case '1' -> popMark(at);
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'K' -> push((long) u8());
                case 'M' -> push((long) (u8() | u8() << 8));
                case 'J' -> push((long) ByteBuffer.wrap(bytes(4)).order(ByteOrder.LITTLE_ENDIAN).getInt());
                case 0x8a -> push(longValue(u8(), at));
                case 0x8b -> push(longValue(length(4, at), at));
                case 'G' -> push(ByteBuffer.wrap(bytes(8)).order(ByteOrder.BIG_ENDIAN).getDouble());
                case 'X' -> push(text(length(4, at)));
                case 0x8c -> push(text(u8()));
                case 0x8d -> push(text(length(8, at)));
                case 'U' -> push(new String(bytes(u8()), StandardCharsets.ISO_8859_1));
                case 'T' -> push(new String(bytes(length(4, at)), StandardCharsets.ISO_8859_1));
                case 'C' -> push(bytes(u8()));
                case 'B' -> push(bytes(length(4, at)));
                case ')' -> push(new PickleValue.Tuple(List.of()));
                case 't' -> push(new PickleValue.Tuple(popMark(at)));
                case 0x85 -> push(new PickleValue.Tuple(Arrays.asList(pop())));
                case 0x86 -> {
                    Object b = pop();
                    Object a = pop();
                    push(new PickleValue.Tuple(Arrays.asList(a, b)));
                }
                case 0x87 -> {
                    Object c = pop();
                    Object b = pop();
                    Object a = pop();
                    push(new PickleValue.Tuple(Arrays.asList(a, b, c)));
                }
                case ']' -> push(new ArrayList<>());
                case 'l' -> push(new ArrayList<>(popMark(at)));
                case 'a' -> {
                    Object item = pop();
                    list(peek(), at).add(item);
                }
                case 'e' -> {
                    List<Object> items = popMark(at);
                    list(peek(), at).addAll(items);
                }
                case '}' -> push(new LinkedHashMap<>());
                case 'd' -> {
                    Map<Object, Object> d = new LinkedHashMap<>();
                    putAll(d, popMark(at), at);
                    push(d);
                }
                case 's' -> {
                    Object value = pop();
                    Object key = pop();
                    dict(peek(), at).put(key(key, at), value);
                }
                case 'u' -> {
                    List<Object> items = popMark(at);
                    putAll(dict(peek(), at), items, at);
                }
                case 'q' -> memoPut(u8(), at);
                case 'r' -> memoPut(memoIndex(at), at);
                case 0x94 -> memoPut(memo.size(), at);
                case 'h' -> push(memoGet(u8(), at));
                case 'j' -> push(memoGet(memoIndex(at), at));
                case 'c' -> push(global(line(at), line(at), at));
                case 0x93 -> {
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw error(at, "STACK_GLOBAL needs two strings");
                    }
                    push(global(m, n, at));
                }
                case 'R' -> {
                    Object args = pop();
                    Object callable = pop();
                    push(reduce(callable, args, at));
                }
                case 'b' -> {
                    pop(); // the state: OrderedDict's _metadata, which inference does not use
                    if (!(peek() instanceof Map)) {
                        throw error(at, "BUILD on a " + describe(peek()) + " (only dicts may carry state here)");
                    }
                }
                case 'Q' -> push(TorchObjects.persistentLoad(pop(), file, at));
                default -> throw error(at, String.format("opcode 0x%02x ('%s') is not allowed in a weights file", op,
                        op >= 32 && op < 127 ? Character.toString((char) op) : "?"));
            }
        }
    }

    private Object global(String module, String name, int at) throws WeightsFormatException {
        String qualified = module + "." + name;
        if (!ALLOWED.contains(qualified)) {
            throw error(at, "global '" + qualified + "' is not allowed: a weights file needs only tensors, storages and "
                    + "dicts, and loading it must not run code (torch.load without weights_only would call it)");
        }
        return new PickleValue.Global(module, name);
    }

    private Object reduce(Object callable, Object args, int at) throws WeightsFormatException {
        if (!(callable instanceof PickleValue.Global g)) {
            throw error(at, "REDUCE of a " + describe(callable) + ", not of an allowed function");
        }
        if (!(args instanceof PickleValue.Tuple t)) {
            throw error(at, "REDUCE of " + g + " without an argument tuple");
        }
        return TorchObjects.call(g, t.items(), file, at);
    }

    private void putAll(Map<Object, Object> d, List<Object> items, int at) throws WeightsFormatException {
        if (items.size() % 2 != 0) {
            throw error(at, "odd number of items for a dict");
        }
        for (int i = 0; i < items.size(); i += 2) {
            d.put(key(items.get(i), at), items.get(i + 1));
        }
    }

    /** Keys must be plain values: hashing a nested list key could be made to cost time quadratic in the file. */
    private Object key(Object key, int at) throws WeightsFormatException {
        if (key == null || key instanceof String || key instanceof Long || key instanceof Boolean || key instanceof BigInteger) {
            return key;
        }
        throw error(at, "dict key of type " + describe(key));
    }

    private void memoPut(int index, int at) throws WeightsFormatException {
        if (memo.size() >= limits.maxMemo() && !memo.containsKey(index)) {
            throw error(at, "more than " + limits.maxMemo() + " memo entries (maxPickleMemo)");
        }
        memo.put(index, peek());
    }

    private Object memoGet(int index, int at) throws WeightsFormatException {
        if (!memo.containsKey(index)) {
            throw error(at, "memo entry " + index + " was never stored");
        }
        return memo.get(index);
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o, int at) throws WeightsFormatException {
        if (o instanceof List<?> l && !(o instanceof PickleValue.Tuple)) {
            return (List<Object>) l;
        }
        throw error(at, "APPEND to a " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o, int at) throws WeightsFormatException {
        if (o instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw error(at, "SETITEM on a " + describe(o));
    }

    private List<Object> popMark(int at) throws WeightsFormatException {
        if (marks.isEmpty()) {
            throw error(at, "no MARK to pop to");
        }
        int mark = marks.remove(marks.size() - 1);
        List<Object> items = new ArrayList<>(stack.subList(mark + 1, stack.size()));
        stack.subList(mark, stack.size()).clear();
        return items;
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() throws WeightsFormatException {
        Object o = peek();
        stack.remove(stack.size() - 1);
        return o;
    }

    private Object peek() throws WeightsFormatException {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
            throw error(pos - 1, "stack underflow");
        }
        return stack.get(stack.size() - 1);
    }

    private Object longValue(int length, int at) throws WeightsFormatException {
        if (length > 64) {
            throw error(at, "integer of " + length + " bytes");
        }
        byte[] le = bytes(length);
        byte[] be = new byte[Math.max(1, length)];
        for (int i = 0; i < length; i++) {
            be[length - 1 - i] = le[i];
        }
        BigInteger v = length == 0 ? BigInteger.ZERO : new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private String text(int length) throws WeightsFormatException {
        return new String(bytes(length), StandardCharsets.UTF_8);
    }

    private String line(int at) throws WeightsFormatException {
        int start = pos;
        while (pos < data.length && data[pos] != '\n') {
            pos++;
            if (pos - start > 256) {
                throw error(at, "GLOBAL name longer than 256 bytes");
            }
        }
        if (pos >= data.length) {
            throw error(at, "pickle ends inside a GLOBAL");
        }
        String s = new String(data, start, pos - start, StandardCharsets.UTF_8);
        pos++;
        return s;
    }

    /** An unsigned little-endian length of 4 or 8 bytes, which must fit in what remains of the pickle. */
    private int length(int width, int at) throws WeightsFormatException {
        byte[] b = bytes(width);
        long n = 0;
        for (int i = width - 1; i >= 0; i--) {
            n = n << 8 | (b[i] & 0xff);
        }
        if (n < 0 || n > data.length - pos) {
            throw error(at, "length " + Long.toUnsignedString(n) + " runs past the end of the pickle");
        }
        return (int) n;
    }

    /** LONG_BINPUT/LONG_BINGET's unsigned 4-byte index; any value is legal, the memo's size is what is capped. */
    private int memoIndex(int at) throws WeightsFormatException {
        long index = ByteBuffer.wrap(bytes(4)).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
        if (index > Integer.MAX_VALUE) {
            throw error(at, "memo index " + index + " out of range");
        }
        return (int) index;
    }

    private int u8() throws WeightsFormatException {
        if (pos >= data.length) {
            throw error(pos, "pickle ends early (truncated?)");
        }
        return data[pos++] & 0xff;
    }

    private byte[] bytes(int n) throws WeightsFormatException {
        if (n > data.length - pos) {
            throw error(pos, "pickle ends early: " + n + " bytes wanted, " + (data.length - pos) + " left");
        }
        byte[] b = Arrays.copyOfRange(data, pos, pos + n);
        pos += n;
        return b;
    }

    static String describe(Object o) {
        return o == null ? "None" : o instanceof PickleValue.Tuple ? "tuple" : o instanceof List ? "list"
                : o instanceof Map ? "dict" : o.getClass().getSimpleName();
    }

    private WeightsFormatException error(int at, String problem) {
        return new WeightsFormatException(file, part + " at byte " + at + ": " + problem);
    }
}
