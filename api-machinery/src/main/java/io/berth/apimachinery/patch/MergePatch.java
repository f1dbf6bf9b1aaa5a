package io.berth.apimachinery.patch;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * JSON merge patch (RFC 7386, {@code application/merge-patch+json}): an object patch merges key by key, a null
 * value deletes its key, and any other patch (array, scalar, null) replaces the target. Lists are always replaced.
 *
 * <p>Never modifies its arguments; the result shares no nodes with them. Stateless and thread safe.
 */
public final class MergePatch {

    private MergePatch() {
    }

    /**
     * Applies {@code patch} to {@code target} as RFC 7386's {@code MergePatch(Target, Patch)}.
     *
     * @param target the document to patch; null is treated as JSON null
     * @param patch  the merge patch document; null is treated as JSON null
     * @return a new tree holding the result
     */
    public static JsonNode apply(JsonNode target, JsonNode patch) {
        if (!(patch instanceof ObjectNode patchObject)) {
            return patch == null || patch.isMissingNode() ? Nodes.FACTORY.nullNode() : patch.deepCopy();
        }
        ObjectNode result = target instanceof ObjectNode object ? object.deepCopy() : Nodes.FACTORY.objectNode();
        merge(result, patchObject);
        return result;
    }

    /** Merges {@code patch} into {@code result}, which this call owns. */
    private static void merge(ObjectNode result, ObjectNode patch) {
        for (Map.Entry<String, JsonNode> entry : patch.properties()) {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            if (value.isNull()) {
                result.remove(key);
            } else if (value instanceof ObjectNode valueObject) {
                ObjectNode child = result.get(key) instanceof ObjectNode existing ? existing : Nodes.FACTORY.objectNode();
                merge(child, valueObject);
                result.set(key, child);
            } else {
                result.set(key, value.deepCopy());
            }
        }
    }
}
