package dev.jresnet.weights.pth;

import java.util.List;

/** The values a restricted unpickle produces besides Java's own (null, Boolean, Long, Double, String, List, Map). */
final class PickleValue {
    private PickleValue() {
    }

    /** A Python tuple. */
    record Tuple(List<Object> items) {
    }

    /** A global the pickle named (module, name): only the allowed ones ever get here. */
    record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** A torch storage named by a persistent id: its element type, its key in the file, its element count. */
    record Storage(StorageType type, String key, long elements) {
    }

    /** A tensor: a view (offset, shape, strides, in elements) of a storage. */
    record TensorView(Storage storage, long offset, long[] shape, long[] strides) {
    }
}
