package io.berth.apimachinery.schema;

import java.util.Map;

/**
 * The shape of an API type's JSON, derived from the fabric8 model classes. One model serves unknown-field
 * detection, strategic merge patch (which needs merge keys) and the OpenAPI documents.
 *
 * <p>Instances are immutable and shared; object properties are resolved lazily so recursive types work.
 */
public sealed interface Schema permits Schema.Scalar, Schema.Array, Schema.MapOf, Schema.Any, ObjectSchema {

    /** JSON scalars, plus Kubernetes' two scalars that accept either a string or a number. */
    enum ScalarType { STRING, INT32, INT64, NUMBER, BOOLEAN, INT_OR_STRING, QUANTITY, DATE_TIME, BYTES }

    record Scalar(ScalarType type) implements Schema {
    }

    record Array(Schema items) implements Schema {
    }

    /** A JSON object used as a map from string keys to {@code values}. */
    record MapOf(Schema values) implements Schema {
    }

    /** Anything: free-form JSON whose content is not checked. */
    record Any() implements Schema {
    }

    /**
     * How strategic merge patch treats a list or map field, from Kubernetes' {@code patchStrategy} and
     * {@code patchMergeKey} struct tags.
     *
     * @param merge      lists are merged (by {@code mergeKey} for lists of objects, as a set for primitives)
     * @param retainKeys a {@code $retainKeys} directive may clear fields not listed (union types)
     * @param mergeKey   the key identifying list elements, or null
     */
    record PatchMeta(boolean merge, boolean retainKeys, String mergeKey) {
        public static final PatchMeta NONE = new PatchMeta(false, false, null);

        /** The {@code x-kubernetes-patch-strategy} value, or null. */
        public String strategy() {
            if (merge && retainKeys) {
                return "merge,retainKeys";
            }
            return merge ? "merge" : retainKeys ? "retainKeys" : null;
        }
    }

    /** A property of an object: its JSON name, its schema and its patch metadata. */
    record Property(String name, Schema schema, PatchMeta patch, Class<?> declaringType) {
    }

    /** Properties of an object schema, empty for every other kind. */
    default Map<String, Property> properties() {
        return Map.of();
    }
}
