package io.berth.apimachinery.schema;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Finds (and removes) the fields of a JSON object that its schema does not declare, reporting each by its path
 * as Kubernetes does: {@code spec.containers[0].imagePullPolicyy}.
 */
public final class UnknownFields {

    private UnknownFields() {
    }

    /**
     * Walks {@code node} against {@code schema}; returns the path of every unknown field, in document order.
     *
     * @param remove when true, unknown fields are removed from {@code node} as they are found
     */
    public static List<String> find(JsonNode node, Schema schema, boolean remove) {
        List<String> found = new ArrayList<>();
        walk(node, schema, "", found, remove);
        return found;
    }

    private static void walk(JsonNode node, Schema schema, String path, List<String> found, boolean remove) {
        if (node == null || node.isNull()) {
            return;
        }
        if (schema instanceof ObjectSchema object && node instanceof ObjectNode obj) {
            Map<String, Schema.Property> properties = object.properties();
            Iterator<Map.Entry<String, JsonNode>> fields = obj.properties().iterator();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String childPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                Schema.Property property = properties.get(field.getKey());
                if (property != null) {
                    walk(field.getValue(), property.schema(), childPath, found, remove);
                } else if (!isDirective(field.getKey())) {
                    found.add(childPath);
                    if (remove) {
                        fields.remove();
                    }
                }
            }
        } else if (schema instanceof Schema.Array array && node instanceof ArrayNode list) {
            for (int i = 0; i < list.size(); i++) {
                walk(list.get(i), array.items(), path + "[" + i + "]", found, remove);
            }
        } else if (schema instanceof Schema.MapOf map && node instanceof ObjectNode obj) {
            for (Map.Entry<String, JsonNode> e : obj.properties()) {
                walk(e.getValue(), map.values(), path + "." + e.getKey(), found, remove);
            }
        }
        // scalars, free-form values and type mismatches (the decoder reports those) end the walk
    }

    /** Strategic merge patch directives ({@code $patch}, {@code $setElementOrder/...}) are not fields. */
    private static boolean isDirective(String key) {
        return key.startsWith("$");
    }
}
