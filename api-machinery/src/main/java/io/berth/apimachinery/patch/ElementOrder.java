package io.berth.apimachinery.patch;

import io.berth.apimachinery.schema.Schema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code $setElementOrder/<field>} directive kubectl sends with every merged list: it lists the elements
 * (by merge key, or by value for primitives) in the order the client wants. Kubernetes merges the field's patch
 * list first, then sorts: the elements the directive names in its order, the server-only ones interleaved where
 * they stood. The directive only applies to merged lists; for a replaced list it is ignored (Kubernetes would
 * reorder primitives and fail on objects there, and no client sends it for such lists). Stateless.
 */
final class ElementOrder {

    private static final String LIST_TYPE = "[]interface {}";
    private static final String MAP_TYPE = "map[string]interface {}";

    private ElementOrder() {
    }

    /**
     * Applies every {@code $setElementOrder} directive of {@code patch} to {@code original} (owned by the caller),
     * merging the list each one names; returns those fields, which the caller must not merge again.
     */
    static Set<String> apply(ObjectNode original, ObjectNode patch, Schema schema) {
        Set<String> settled = new HashSet<>();
        for (Map.Entry<String, JsonNode> directive : patch.properties()) {
            if (!directive.getKey().startsWith(Nodes.SET_ELEMENT_ORDER)) {
                continue;
            }
            if (!(directive.getValue() instanceof ArrayNode order)) {
                throw PatchErrors.badArgType(LIST_TYPE, directive.getValue());
            }
            String field = Nodes.fieldOf(directive.getKey(), Nodes.SET_ELEMENT_ORDER, PatchErrors.BAD_SET_ELEMENT_ORDER);
            JsonNode current = original.get(field);
            boolean inOriginal = !Nodes.isNull(current);
            boolean inPatch = patch.has(field);
            JsonNode patchValue = patch.get(field);
            if (inOriginal && !(current instanceof ArrayNode)) {
                throw PatchErrors.badArgType(LIST_TYPE, current);
            }
            if (inPatch && !(patchValue instanceof ArrayNode)) {
                throw PatchErrors.badArgType(LIST_TYPE, patchValue);
            }
            Nodes.Field meta = Nodes.field(schema, field);
            if (!meta.meta().merge() || (!inOriginal && !inPatch)) {
                continue;
            }
            String mergeKey = meta.meta().mergeKey();
            ArrayNode originalList = inOriginal ? (ArrayNode) current : Nodes.FACTORY.arrayNode();
            ArrayNode patchList = inPatch ? (ArrayNode) patchValue : Nodes.FACTORY.arrayNode();
            validate(patchList, order, mergeKey);
            List<JsonNode> serverOrder = MergeLists.elements(originalList);
            ArrayNode merged;
            if (!inPatch) {
                merged = originalList;
            } else if (!inOriginal) {
                merged = (ArrayNode) Nodes.clean(patchList);
            } else {
                MergeLists.Merged result = MergeLists.mergeTracking(originalList, patchList,
                        Nodes.items(meta.schema()), mergeKey);
                merged = result.list();
                serverOrder = result.originalView();
            }
            original.set(field, MergeLists.order(MergeLists.elements(merged), MergeLists.elements(order),
                    serverOrder, mergeKey));
            settled.add(field);
        }
        return settled;
    }

    /**
     * Kubernetes' consistency check: the patch list's elements (deletions aside) must appear in the directive, in
     * the same relative order. A mismatch is a plain error in Kubernetes, hence a 500.
     */
    private static void validate(ArrayNode patchList, ArrayNode order, String mergeKey) {
        if (mergeKey != null) {
            for (JsonNode element : order) {
                requireKeyed(element, mergeKey);
            }
        }
        if (order.isEmpty() || patchList.isEmpty()) {
            return;
        }
        List<JsonNode> candidates = new ArrayList<>();
        for (JsonNode element : patchList) {
            if (mergeKey != null) {
                if (!(element instanceof ObjectNode object)) {
                    throw PatchErrors.badArgType(MAP_TYPE, element);
                }
                JsonNode directive = object.get(Nodes.PATCH);
                if (directive != null && directive.isString() && "delete".equals(directive.stringValue())) {
                    continue;
                }
            }
            candidates.add(element);
        }
        int p = 0;
        int o = 0;
        while (p < candidates.size() && o < order.size()) {
            JsonNode candidate = candidates.get(p);
            if (candidate instanceof ObjectNode object && object.has(Nodes.PATCH)) {
                p++;
                continue;
            }
            if (mergeKey != null) {
                requireKeyed(candidate, mergeKey);
            }
            if (Nodes.same(MergeLists.identity(candidate, mergeKey), MergeLists.identity(order.get(o), mergeKey))) {
                p++;
            }
            o++;
        }
        if (p < candidates.size()) {
            throw PatchErrors.unknown("the order in patch list:\n" + PatchErrors.go(patchList)
                    + "\n doesn't match " + Nodes.SET_ELEMENT_ORDER + " list:\n" + PatchErrors.go(order));
        }
    }

    private static void requireKeyed(JsonNode element, String mergeKey) {
        if (!(element instanceof ObjectNode object)) {
            throw PatchErrors.badArgType(MAP_TYPE, element);
        }
        if (!object.has(mergeKey)) {
            throw PatchErrors.noMergeKey(object, mergeKey);
        }
    }
}
