package io.berth.apiserver.openapi;

import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Kubernetes' definitions that are not structs in the Go sense and have no fabric8 class of their own:
 * {@code Quantity}, {@code IntOrString}, {@code Time}, {@code MicroTime} and the PATCH body {@code Patch}. Their
 * shapes follow what Kubernetes v1.32 publishes (v3 uses {@code oneOf} where v2 can only say {@code string}).
 */
final class SpecialDefinitions {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final String QUANTITY_DESCRIPTION = """
            Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling \
            in JSON and YAML, in addition to String() and AsInt64() accessors.

            The serialization format is: <signedNumber><suffix>, where the suffix is a binary SI suffix \
            (Ki | Mi | Gi | Ti | Pi | Ei), a decimal SI suffix (m | "" | k | M | G | T | P | E) or a decimal \
            exponent (e<signedNumber> | E<signedNumber>). No quantity may represent a number greater than 2^63-1 \
            in magnitude, nor have more than 3 decimal places. Examples: 1.5 is serialized as "1500m", 1.5Gi as \
            "1536Mi".""";

    private static final String INT_OR_STRING_DESCRIPTION = "IntOrString is a type that can hold an int32 or a "
            + "string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner "
            + "type.  This allows you to have, for example, a JSON field that can accept a name or number.";

    private static final String TIME_DESCRIPTION = "Time is a wrapper around time.Time which supports correct "
            + "marshaling to YAML and JSON.  Wrappers are provided for many of the factory methods that the time "
            + "package offers.";

    private static final String MICRO_TIME_DESCRIPTION =
            "MicroTime is version of Time with microsecond level precision.";

    private static final String PATCH_DESCRIPTION =
            "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.";

    /** Descriptions of definitions built from fabric8 classes that the Java model has no class for. */
    private static final Map<String, String> DESCRIPTIONS = Map.of(
            KubernetesTypeNames.META_V1 + "FieldsV1", "FieldsV1 stores a set of fields in a data structure like a "
                    + "Trie, in JSON format.\n\nEach key is either a '.' representing the field itself, and will always "
                    + "map to an empty set, or a string representing a sub-field or item. The string will follow one "
                    + "of these four formats: 'f:<name>', where <name> is the name of a field in a struct, or key in "
                    + "a map 'v:<value>', where <value> is the exact json formatted value of a list item 'i:<index>', "
                    + "where <index> is position of a item in a list 'k:<keys>', where <keys> is a map of  a list "
                    + "item's key fields to their unique values If a key maps to an empty Fields value, the field "
                    + "that key represents is part of the set.\n\nThe exact format is defined in "
                    + "sigs.k8s.io/structured-merge-diff");

    private SpecialDefinitions() {
    }

    /** The description of a definition the Java model does not document, or null. */
    static String description(String definition) {
        return DESCRIPTIONS.get(definition);
    }

    /** The special definitions for one spec version, by Kubernetes definition name. */
    static Map<String, ObjectNode> all(SpecVersion spec) {
        Map<String, ObjectNode> all = new LinkedHashMap<>();
        all.put(KubernetesTypeNames.QUANTITY, quantity(spec));
        all.put(KubernetesTypeNames.INT_OR_STRING, intOrString(spec));
        all.put(KubernetesTypeNames.TIME, dateTime(TIME_DESCRIPTION));
        all.put(KubernetesTypeNames.MICRO_TIME, dateTime(MICRO_TIME_DESCRIPTION));
        ObjectNode patch = NODES.objectNode();
        patch.put("description", PATCH_DESCRIPTION);
        patch.put("type", "object");
        all.put(KubernetesTypeNames.PATCH, patch);
        return all;
    }

    private static ObjectNode quantity(SpecVersion spec) {
        ObjectNode node = NODES.objectNode();
        node.put("description", QUANTITY_DESCRIPTION);
        if (spec == SpecVersion.V3) {
            node.putArray("oneOf").add(typed("string")).add(typed("number"));
        } else {
            node.put("type", "string");
        }
        return node;
    }

    private static ObjectNode intOrString(SpecVersion spec) {
        ObjectNode node = NODES.objectNode();
        node.put("description", INT_OR_STRING_DESCRIPTION);
        node.put("format", "int-or-string");
        if (spec == SpecVersion.V3) {
            node.putArray("oneOf").add(typed("integer")).add(typed("string"));
        } else {
            node.put("type", "string");
        }
        node.put("x-kubernetes-int-or-string", true);
        return node;
    }

    private static ObjectNode dateTime(String description) {
        ObjectNode node = NODES.objectNode();
        node.put("description", description);
        node.put("format", "date-time");
        node.put("type", "string");
        return node;
    }

    private static ObjectNode typed(String type) {
        ObjectNode node = NODES.objectNode();
        node.put("type", type);
        return node;
    }
}
