package io.berth.apimachinery.patch;

import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.schema.Schema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Kubernetes' strategic merge patch ({@code application/strategic-merge-patch+json}), applied server side as
 * kube-apiserver v1.32 applies it ({@code strategicpatch.StrategicMergeMapPatch}), guided by a {@link Schema}
 * that carries the {@code patchStrategy}/{@code patchMergeKey} tags.
 *
 * <ul>
 *   <li>Objects merge key by key; a null value deletes the key.</li>
 *   <li>Lists with {@code patchStrategy: merge} merge: objects element by element on the merge key, primitives
 *       as a set. Without {@code $setElementOrder}, elements the patch names come first, in the patch's order,
 *       as Kubernetes orders them. Other lists, and lists of fields the schema does not know, are replaced.</li>
 *   <li>Directives: {@code $patch: replace|delete} on an object or as a list element ({@code delete} removes the
 *       elements with that merge key), {@code $deleteFromPrimitiveList/<field>}, {@code $setElementOrder/<field>},
 *       {@code $retainKeys} (keys not listed are cleared; every key the patch sets must be listed).
 *       {@code $patch: merge} on an object is accepted as the default behaviour (Kubernetes rejects it).</li>
 *   <li>A patch value taken as a whole (new field, changed type, replaced list) loses its nulls and directives.</li>
 *   <li>Malformed patches fail with the {@link ApiException} kube-apiserver answers: 400 for malformed documents
 *       and directives it recognises, 422 for lists of lists, 500 without reason for the errors Kubernetes passes
 *       through unclassified (unknown {@code $patch} values, missing merge keys, contradictory element orders).</li>
 * </ul>
 *
 * <p>Never modifies its arguments; the result shares no nodes with them. Stateless and thread safe.
 */
public final class StrategicMergePatch {

    private StrategicMergePatch() {
    }

    /**
     * Applies {@code patch} to {@code original}.
     *
     * @param original the current object's JSON; anything but an object counts as an empty object
     * @param patch    the patch document; null or JSON null changes nothing
     * @param schema   the schema of the object's type, e.g. {@code Schemas.of(Pod.class)}
     * @return a new tree holding the patched object
     * @throws ApiException when the patch is malformed, with Kubernetes' code and reason
     */
    public static JsonNode apply(JsonNode original, JsonNode patch, Schema schema) {
        Objects.requireNonNull(schema, "schema");
        ObjectNode target = original instanceof ObjectNode object ? object.deepCopy() : Nodes.FACTORY.objectNode();
        if (Nodes.isNull(patch)) {
            return target;
        }
        if (!(patch instanceof ObjectNode patchObject)) {
            throw PatchErrors.badRequest("json: cannot unmarshal " + PatchErrors.jsonKind(patch)
                    + " into Go value of type map[string]interface {}");
        }
        return mergeObject(target, patchObject, schema);
    }

    /**
     * Merges {@code patch} into {@code original}, which the caller owns and which may be changed in place;
     * returns the merged object (not always {@code original}: directives may replace it).
     */
    static ObjectNode mergeObject(ObjectNode original, ObjectNode patch, Schema schema) {
        JsonNode directive = patch.get(Nodes.PATCH);
        if (directive != null) {
            String name = directive.isString() ? directive.stringValue() : null;
            if ("replace".equals(name)) {
                ObjectNode replacement = patch.deepCopy();
                replacement.remove(Nodes.PATCH);
                return (ObjectNode) Nodes.clean(replacement);
            }
            if ("delete".equals(name)) {
                return Nodes.FACTORY.objectNode();
            }
            if (!"merge".equals(name)) {
                throw PatchErrors.badPatchType(directive, patch);
            }
        }
        retainKeys(original, patch);
        Set<String> settled = ElementOrder.apply(original, patch, schema);
        List<Map.Entry<String, JsonNode>> deletions = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : patch.properties()) {
            String key = entry.getKey();
            if (key.startsWith(Nodes.DELETE_FROM_PRIMITIVE_LIST)) {
                deletions.add(entry);
            } else if (!key.equals(Nodes.PATCH) && !key.equals(Nodes.RETAIN_KEYS)
                    && !key.startsWith(Nodes.SET_ELEMENT_ORDER) && !settled.contains(key)) {
                mergeField(original, key, entry.getValue(), schema);
            }
        }
        // after the merges, so that deleting and re-adding a value in one patch does not depend on key order
        for (Map.Entry<String, JsonNode> deletion : deletions) {
            deleteFromPrimitiveList(original, deletion.getKey(), deletion.getValue());
        }
        return original;
    }

    private static void mergeField(ObjectNode original, String key, JsonNode patchValue, Schema schema) {
        if (Nodes.isNull(patchValue)) {
            original.remove(key);
            return;
        }
        JsonNode current = original.get(key);
        Nodes.Kind kind = Nodes.kind(patchValue);
        if (Nodes.isNull(current) || Nodes.kind(current) != kind) {
            takeAsIs(original, key, patchValue);
            return;
        }
        Nodes.Field field = Nodes.field(schema, key);
        if (kind == Nodes.Kind.OBJECT) {
            original.set(key, mergeObject((ObjectNode) current, (ObjectNode) patchValue, field.schema()));
        } else if (kind == Nodes.Kind.ARRAY && field.meta().merge()) {
            original.set(key, MergeLists.merge((ArrayNode) current, (ArrayNode) patchValue,
                    Nodes.items(field.schema()), field.meta().mergeKey()));
        } else {
            takeAsIs(original, key, patchValue);
        }
    }

    private static void takeAsIs(ObjectNode original, String key, JsonNode patchValue) {
        JsonNode cleaned = Nodes.clean(patchValue);
        if (cleaned == null) {
            original.remove(key);
        } else {
            original.set(key, cleaned);
        }
    }

    /**
     * {@code $retainKeys}: keys of {@code original} not listed are cleared; a key the patch sets but does not list
     * makes the patch malformed. Kubernetes honours the directive wherever it appears, not only on fields tagged
     * {@code retainKeys}, and so do we.
     */
    private static void retainKeys(ObjectNode original, ObjectNode patch) {
        JsonNode directive = patch.get(Nodes.RETAIN_KEYS);
        if (directive == null) {
            return;
        }
        if (!(directive instanceof ArrayNode list)) {
            throw PatchErrors.badRequest(PatchErrors.BAD_RETAIN_KEYS);
        }
        Set<String> retained = new HashSet<>();
        list.forEach(name -> {
            if (name.isString()) {
                retained.add(name.stringValue());
            }
        });
        for (Map.Entry<String, JsonNode> entry : patch.properties()) {
            String key = entry.getKey();
            boolean exempt = Nodes.isNull(entry.getValue()) || key.equals(Nodes.RETAIN_KEYS) || key.equals(Nodes.PATCH)
                    || key.startsWith(Nodes.DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(Nodes.SET_ELEMENT_ORDER);
            if (!exempt && !retained.contains(key)) {
                throw PatchErrors.badRequest(PatchErrors.BAD_RETAIN_KEYS);
            }
        }
        original.retain(retained);
    }

    /**
     * {@code $deleteFromPrimitiveList/<field>: [values]} removes every occurrence of the values from a list of
     * primitives. A missing list is left missing (Kubernetes since v1.28).
     */
    private static void deleteFromPrimitiveList(ObjectNode original, String key, JsonNode values) {
        String field = Nodes.fieldOf(key, Nodes.DELETE_FROM_PRIMITIVE_LIST, PatchErrors.BAD_PRIMITIVE_LIST);
        if (!(values instanceof ArrayNode toDelete)) {
            throw PatchErrors.badRequest(PatchErrors.BAD_PRIMITIVE_LIST);
        }
        if (!(original.get(field) instanceof ArrayNode current)) {
            return;
        }
        Nodes.Kind kind = MergeLists.elementKind(current, toDelete);
        if (kind == Nodes.Kind.OBJECT) {
            throw PatchErrors.badRequest(PatchErrors.BAD_PRIMITIVE_LIST);
        }
        List<JsonNode> doomed = MergeLists.elements(toDelete);
        ArrayNode kept = Nodes.FACTORY.arrayNode(current.size());
        for (JsonNode value : current) {
            if (MergeLists.indexOf(doomed, value, null) < 0) {
                kept.add(value);
            }
        }
        original.set(field, kept);
    }
}
