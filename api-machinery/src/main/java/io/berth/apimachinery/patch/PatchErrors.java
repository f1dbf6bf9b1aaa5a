package io.berth.apimachinery.patch;

import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.errors.StatusErrors;
import io.fabric8.kubernetes.api.model.StatusDetails;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The errors kube-apiserver (v1.32, {@code endpoints/handlers/patch.go}) answers a failed patch with.
 *
 * <p>Kubernetes sorts strategic merge patch failures three ways ({@code interpretStrategicMergePatchError}):
 * malformed directives it recognises become 400 BadRequest, lists of lists and retainKeys mismatches become 422
 * Invalid with the generic "rejected our request" message, and everything else (an unknown {@code $patch} value,
 * a missing merge key, a {@code $setElementOrder} list that contradicts the patch) is passed through as a plain Go
 * error, which the handler turns into a 500 whose Status has no reason. We answer the same way so clients see
 * the same codes; the message texts follow Kubernetes' wording, with Go's value formatting approximated.
 */
final class PatchErrors {

    static final String BAD_JSON_DOC = "invalid JSON document";
    static final String NO_LIST_OF_LISTS = "lists of lists are not supported";
    static final String BAD_PRIMITIVE_LIST = "invalid patch format of primitive list";
    static final String BAD_RETAIN_KEYS = "invalid patch format of retainKeys";
    static final String BAD_SET_ELEMENT_ORDER = "invalid patch format of setElementOrder list";

    /** The message {@code NewGenericServerResponse(422, ...)} puts in place of the server's own. */
    static final String REJECTED = "the server rejected our request due to an error in our request";

    private PatchErrors() {
    }

    static ApiException badRequest(String message) {
        return StatusErrors.badRequest(message);
    }

    /** 422 Invalid with no details but the generic message, as {@code NewGenericServerResponse} builds it. */
    static ApiException rejected() {
        return new ApiException(StatusErrors.status(422, "Invalid", REJECTED, new StatusDetails()));
    }

    /**
     * A malformed patch that Kubernetes does not classify (it answers 500 with no reason). Berth's rule is that bad
     * input never gets a 500, so these are 400 BadRequest with Kubernetes' message.
     */
    static ApiException unknown(String message) {
        return StatusErrors.badRequest(message);
    }

    static ApiException noListOfLists() {
        return rejected();
    }

    static ApiException badPatchType(JsonNode directive, JsonNode map) {
        return unknown("unknown patch type: " + go(directive) + " in map: " + go(map));
    }

    static ApiException noMergeKey(JsonNode map, String mergeKey) {
        return unknown("map: " + go(map) + " does not contain declared merge key: " + mergeKey);
    }

    /** {@code mergepatch.ErrBadArgType}: a directive or field holds a value of the wrong JSON type. */
    static ApiException badArgType(String expectedGoType, JsonNode actual) {
        return unknown("expected a " + expectedGoType + ", but received a " + goType(actual));
    }

    static ApiException listTypesDiffer(List<? extends JsonNode> lists) {
        StringBuilder b = new StringBuilder("list element types are not identical: [");
        for (int i = 0; i < lists.size(); i++) {
            b.append(i == 0 ? "" : " ").append(go(lists.get(i)));
        }
        return unknown(b.append(']').toString());
    }

    /** Go's name for the type {@code encoding/json} decodes a value into. */
    static String goType(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "<nil>";
        }
        if (node.isObject()) {
            return "map[string]interface {}";
        }
        if (node.isArray()) {
            return "[]interface {}";
        }
        if (node.isNumber()) {
            return node.isIntegralNumber() ? "int64" : "float64";
        }
        return node.isBoolean() ? "bool" : "string";
    }

    /** The word {@code encoding/json} uses for a JSON value in "cannot unmarshal X into ..." errors. */
    static String jsonKind(JsonNode node) {
        if (node.isObject()) {
            return "object";
        }
        if (node.isArray()) {
            return "array";
        }
        if (node.isNumber()) {
            return "number";
        }
        return node.isBoolean() ? "bool" : "string";
    }

    /** A value formatted as Go's {@code %v} prints decoded JSON: {@code map[a:1 b:[x y]]}. */
    static String go(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "<nil>";
        }
        if (node.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            node.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
            List<String> parts = new ArrayList<>();
            sorted.forEach((k, v) -> parts.add(k + ":" + go(v)));
            return "map[" + String.join(" ", parts) + "]";
        }
        if (node.isArray()) {
            List<String> parts = new ArrayList<>();
            node.forEach(v -> parts.add(go(v)));
            return "[" + String.join(" ", parts) + "]";
        }
        return node.asString();
    }
}
