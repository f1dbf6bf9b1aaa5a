package io.berth.apimachinery.patch;

import io.berth.apimachinery.schema.ObjectSchema;
import io.berth.apimachinery.schema.Schema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.Map;

/** Tree helpers shared by the patch implementations. Stateless. */
final class Nodes {

    static final JsonNodeFactory FACTORY = JsonNodeFactory.instance;

    static final String PATCH = "$patch";
    static final String RETAIN_KEYS = "$retainKeys";
    static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";
    static final String SET_ELEMENT_ORDER = "$setElementOrder";

    /** The JSON kinds strategic merge patch tells apart, as Go's decoded types. */
    enum Kind { OBJECT, ARRAY, STRING, NUMBER, BOOLEAN, NULL }

    /** A field's schema and its patch strategy, looked up in its parent's schema. */
    record Field(Schema schema, Schema.PatchMeta meta) {
        static final Field UNKNOWN = new Field(new Schema.Any(), Schema.PatchMeta.NONE);
    }

    private Nodes() {
    }

    static Kind kind(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Kind.NULL;
        }
        if (node.isObject()) {
            return Kind.OBJECT;
        }
        if (node.isArray()) {
            return Kind.ARRAY;
        }
        if (node.isNumber()) {
            return Kind.NUMBER;
        }
        return node.isBoolean() ? Kind.BOOLEAN : Kind.STRING;
    }

    static boolean isNull(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    /**
     * Equality of scalars as Kubernetes compares decoded values, except that numbers compare by value: a tree
     * made from a model object may hold a {@code LongNode} where the parsed patch holds an {@code IntNode}.
     */
    static boolean same(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }

    /** The schema and patch strategy of {@code key} inside a value of schema {@code parent}. */
    static Field field(Schema parent, String key) {
        if (parent instanceof ObjectSchema object) {
            Schema.Property property = object.properties().get(key);
            return property == null ? Field.UNKNOWN : new Field(property.schema(), property.patch());
        }
        if (parent instanceof Schema.MapOf map) {
            return new Field(map.values(), Schema.PatchMeta.NONE);
        }
        return Field.UNKNOWN;
    }

    /** The schema of a list's elements, or Any when the schema does not describe a list. */
    static Schema items(Schema list) {
        return list instanceof Schema.Array array ? array.items() : new Schema.Any();
    }

    static boolean isDirectiveKey(String key) {
        return key.equals(PATCH) || key.equals(RETAIN_KEYS)
                || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER);
    }

    /**
     * A copy of a patch value that is taken as it is (the field is new, or its type changed, or the list is
     * replaced): nulls are dropped, since there is nothing for them to delete, and objects carrying {@code $patch}
     * are dropped, as Kubernetes does since v1.28. Other directive keys are dropped too, so no {@code $}-key is
     * ever stored. Returns null when the value itself is to be dropped.
     */
    static JsonNode clean(JsonNode value) {
        if (value instanceof ObjectNode object) {
            if (object.has(PATCH)) {
                return null;
            }
            ObjectNode copy = FACTORY.objectNode();
            for (Map.Entry<String, JsonNode> e : object.properties()) {
                if (isNull(e.getValue()) || isDirectiveKey(e.getKey())) {
                    continue;
                }
                JsonNode cleaned = clean(e.getValue());
                if (cleaned != null) {
                    copy.set(e.getKey(), cleaned);
                }
            }
            return copy;
        }
        if (value instanceof ArrayNode array) {
            ArrayNode copy = FACTORY.arrayNode(array.size());
            for (JsonNode element : array) {
                JsonNode cleaned = clean(element);
                if (cleaned != null) {
                    copy.add(cleaned);
                }
            }
            return copy;
        }
        return value.deepCopy();
    }

    /**
     * The field a parallel-list directive key names: {@code $setElementOrder/containers} is about
     * {@code containers}. A key that only starts like the prefix, or names no field, is malformed (400).
     */
    static String fieldOf(String key, String prefix, String malformed) {
        int slash = key.indexOf('/');
        if (slash < 0 || !key.substring(0, slash).equals(prefix) || slash == key.length() - 1) {
            throw PatchErrors.badRequest(malformed);
        }
        return key.substring(slash + 1);
    }

    /** The value of the merge key of a list element, or null when the element is not an object or lacks it. */
    static JsonNode keyOf(JsonNode element, String mergeKey) {
        return element instanceof ObjectNode object ? object.get(mergeKey) : null;
    }
}
