package dev.jresnet.weights.pth;

import dev.jresnet.weights.WeightsFormatException;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * What the allowed globals build: an empty OrderedDict, a tensor view of a storage, a storage from a persistent
 * id. Every argument's type and range is checked; a wrong one is an error naming the call, never an exception of
 * the JVM's.
 */
final class TorchObjects {
    private TorchObjects() {
    }

    static Object call(PickleValue.Global g, List<Object> args, Path file, int at) throws WeightsFormatException {
        String name = g.toString();
        switch (name) {
            case "collections.OrderedDict" -> {
                if (!args.isEmpty()) {
                    throw error(file, at, "OrderedDict built from arguments (only an empty one, filled by SETITEMS, is expected)");
                }
                return new LinkedHashMap<Object, Object>();
            }
            case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor" -> {
                boolean v2 = name.endsWith("_v2");
                if (args.size() < 4 || (v2 && args.size() > 7)) {
                    throw error(file, at, name + " with " + args.size() + " arguments");
                }
                if (!(args.get(0) instanceof PickleValue.Storage storage)) {
                    throw error(file, at, name + ": first argument is a " + RestrictedUnpickler.describe(args.get(0)) + ", not a storage");
                }
                long offset = nonNegative(args.get(1), name + " storage offset", file, at);
                long[] shape = longs(args.get(2), name + " size", file, at);
                long[] strides = longs(args.get(3), name + " stride", file, at);
                if (shape.length != strides.length) {
                    throw error(file, at, name + ": size has " + shape.length + " dimensions, stride " + strides.length);
                }
                return new PickleValue.TensorView(storage, offset, shape, strides);
            }
            case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> {
                if (args.isEmpty() || !(args.get(0) instanceof PickleValue.TensorView t)) {
                    throw error(file, at, name + " without a tensor");
                }
                return t;
            }
            default -> throw error(file, at, name + " cannot be called (it names a storage class)");
        }
    }

    /** ('storage', storage class, key, location, element count[, view metadata]) -> the storage. */
    static Object persistentLoad(Object pid, Path file, int at) throws WeightsFormatException {
        if (!(pid instanceof PickleValue.Tuple t) || t.items().size() < 5 || !"storage".equals(t.items().get(0))) {
            throw error(file, at, "persistent id " + RestrictedUnpickler.describe(pid) + " is not a ('storage', ...) tuple");
        }
        List<Object> items = t.items();
        if (!(items.get(1) instanceof PickleValue.Global type)) {
            throw error(file, at, "storage type is a " + RestrictedUnpickler.describe(items.get(1)));
        }
        StorageType storageType = StorageType.forClass(type.name()).orElseThrow(() -> error(file, at,
                "storage type " + type + " is not supported (float32, float16, bfloat16, int64)"));
        if (!(items.get(2) instanceof String key) || key.isEmpty() || key.length() > 64) {
            throw error(file, at, "storage key must be a short string");
        }
        long elements = nonNegative(items.get(4), "storage size", file, at);
        if (items.size() > 5 && items.get(5) != null) {
            throw error(file, at, "storage views (the legacy format's view metadata) are not supported");
        }
        return new PickleValue.Storage(storageType, key, elements);
    }

    private static long nonNegative(Object o, String what, Path file, int at) throws WeightsFormatException {
        if (!(o instanceof Long v) || v < 0) {
            // Only a number is printed: a hostile list could share itself through the memo so that printing it
            // never ends (each level holding the one below twice).
            throw error(file, at, what + " is " + (o instanceof Long ? o : "a " + RestrictedUnpickler.describe(o))
                    + ", not a non-negative integer");
        }
        return v;
    }

    private static long[] longs(Object o, String what, Path file, int at) throws WeightsFormatException {
        if (!(o instanceof PickleValue.Tuple t) || t.items().size() > 8) {
            throw error(file, at, what + " is not a tuple of at most 8 integers");
        }
        long[] out = new long[t.items().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = nonNegative(t.items().get(i), what, file, at);
        }
        return out;
    }

    private static WeightsFormatException error(Path file, int at, String problem) {
        return new WeightsFormatException(file, "pickle at byte " + at + ": " + problem);
    }
}
