package dev.jresnet.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Typed, defaulted reads of one JSON object, with errors that name the JSON path ("stem.kernel_size") and refuse
 * keys the object does not know, so a typo cannot silently fall back to a default.
 */
final class JsonFields {
    private final JsonNode node;
    private final String path;

    JsonFields(JsonNode node, String path, Set<String> allowed) {
        if (node == null || !node.isObject()) {
            throw new InvalidModelException(describe(path) + " must be a JSON object");
        }
        this.node = node;
        this.path = path;
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new InvalidModelException(child(name) + " is not a known option; known: "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    boolean has(String key) {
        return node.hasNonNull(key);
    }

    /** Present and explicitly null, as in "max_pool": null. */
    boolean isNull(String key) {
        return node.has(key) && node.get(key).isNull();
    }

    int integer(String key, int fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new InvalidModelException(child(key) + " must be an integer, got " + v);
        }
        return v.intValue();
    }

    double number(String key, double fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw new InvalidModelException(child(key) + " must be a number, got " + v);
        }
        return v.doubleValue();
    }

    boolean bool(String key, boolean fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new InvalidModelException(child(key) + " must be true or false, got " + v);
        }
        return v.booleanValue();
    }

    String text(String key, String fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw new InvalidModelException(child(key) + " must be a string, got " + v);
        }
        return v.textValue();
    }

    /** A string naming one of {@code choices} (lower case in JSON, the enum constant in upper case). */
    <E extends Enum<E>> E choice(String key, E fallback, Class<E> type) {
        String v = text(key, null);
        if (v == null) {
            return fallback;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v)) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name().toLowerCase());
        }
        throw new InvalidModelException(child(key) + " must be one of " + String.join(", ", names) + ", got \"" + v + "\"");
    }

    JsonFields object(String key, Set<String> allowed) {
        return new JsonFields(node.get(key), child(key), allowed);
    }

    List<JsonNode> array(String key, int requiredSize) {
        JsonNode v = node.get(key);
        if (v == null || !v.isArray() || (requiredSize >= 0 && v.size() != requiredSize)) {
            throw new InvalidModelException(child(key) + " must be an array"
                    + (requiredSize >= 0 ? " of " + requiredSize + " entries" : ""));
        }
        List<JsonNode> items = new ArrayList<>();
        v.forEach(items::add);
        return items;
    }

    String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static String describe(String path) {
        return path.isEmpty() ? "the model description" : path;
    }
}
