package io.berth.apimachinery.patch;

import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.errors.StatusErrors;
import io.fabric8.zjsonpatch.CompatibilityFlags;
import io.fabric8.zjsonpatch.JsonPatch;
import io.fabric8.zjsonpatch.JsonPatchException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.EnumSet;
import java.util.List;

/**
 * JSON patch (RFC 6902, {@code application/json-patch+json}) applied with fabric8's zjsonpatch, failing as
 * kube-apiserver v1.32 fails ({@code jsonPatcher.applyJSPatch}):
 * <ul>
 *   <li>a document that is not an array of objects: 400 BadRequest (Kubernetes cannot decode it);</li>
 *   <li>more than {@value #MAX_OPERATIONS} operations: 413 RequestEntityTooLarge;</li>
 *   <li>an operation that cannot be applied (unknown op, missing or bad path, failed {@code test}, removing what is
 *       not there): 422 Invalid with the generic message Kubernetes sends in that case;</li>
 *   <li>a JSON null document is an empty patch, as Go decodes it.</li>
 * </ul>
 *
 * <p>Never modifies its arguments; the result shares no nodes with them. Stateless and thread safe.
 */
public final class JsonPatches {

    /** kube-apiserver's {@code maxJSONPatchOperations}. */
    public static final int MAX_OPERATIONS = 10_000;

    private static final List<String> POINTER_MEMBERS = List.of("path", "from");

    private JsonPatches() {
    }

    /**
     * Applies the operations of {@code patch} to {@code target}, in order, all or nothing.
     *
     * @return a new tree holding the result
     * @throws ApiException with Kubernetes' code and reason when the patch is malformed or does not apply
     */
    public static JsonNode apply(JsonNode target, JsonNode patch) {
        JsonNode document = target == null ? Nodes.FACTORY.nullNode() : target;
        if (Nodes.isNull(patch)) {
            return document.deepCopy();
        }
        if (!patch.isArray()) {
            throw undecodable(patch, "jsonpatch.Patch");
        }
        for (JsonNode operation : patch) {
            if (!operation.isObject() && !operation.isNull()) {
                throw undecodable(operation, "jsonpatch.Operation");
            }
        }
        if (patch.size() > MAX_OPERATIONS) {
            throw StatusErrors.tooLarge("Request entity too large: The allowed maximum operations in a JSON patch is "
                    + MAX_OPERATIONS + ", got " + patch.size());
        }
        try {
            // zjsonpatch works on a copy of the target and never keeps references to the patch's values
            return JsonPatch.apply(escapeLastTokens(patch), document, flags());
        } catch (JsonPatchException | IllegalArgumentException e) {
            throw PatchErrors.rejected();
        }
    }

    /**
     * Kubernetes' json-patch (evanphx v4) refuses to remove a missing key and adds null for a missing value;
     * zjsonpatch does both only when asked. A new set per call: EnumSets are mutable.
     */
    private static EnumSet<CompatibilityFlags> flags() {
        return EnumSet.of(CompatibilityFlags.FORBID_REMOVE_MISSING_OBJECT, CompatibilityFlags.MISSING_VALUES_AS_NULLS);
    }

    /**
     * zjsonpatch 8.0.0 decodes the last reference token of a pointer twice, so {@code /~01} (the key {@code ~1})
     * reads as {@code /}. A last token whose decoded form still holds {@code ~0} or {@code ~1} is therefore escaped
     * twice, which the double decoding turns back into the right key. Returns {@code patch} itself when no
     * pointer needs it, else a copy.
     */
    private static JsonNode escapeLastTokens(JsonNode patch) {
        ArrayNode copy = null;
        for (int i = 0; i < patch.size(); i++) {
            if (!(patch.get(i) instanceof ObjectNode operation)) {
                continue;
            }
            for (String member : POINTER_MEMBERS) {
                JsonNode pointer = operation.get(member);
                String escaped = pointer != null && pointer.isString() ? escapeLastToken(pointer.stringValue()) : null;
                if (escaped != null) {
                    copy = copy == null ? (ArrayNode) patch.deepCopy() : copy;
                    ((ObjectNode) copy.get(i)).put(member, escaped);
                }
            }
        }
        return copy == null ? patch : copy;
    }

    private static String escapeLastToken(String pointer) {
        int slash = pointer.lastIndexOf('/');
        if (slash < 0) {
            return null;
        }
        String token = pointer.substring(slash + 1).replace("~1", "/").replace("~0", "~");
        if (!token.contains("~0") && !token.contains("~1")) {
            return null;
        }
        return pointer.substring(0, slash + 1) + escape(escape(token));
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static ApiException undecodable(JsonNode value, String goType) {
        return PatchErrors.badRequest("json: cannot unmarshal " + PatchErrors.jsonKind(value)
                + " into Go value of type " + goType);
    }
}
