package io.berth.gateway.audit;

import io.berth.apimachinery.json.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Removes secret values from parsed request documents, in place: the values of a Secret's {@code data} and
 * {@code stringData} become {@code "<redacted>"} (the keys stay, so the trail still says which keys were written), and
 * so does kubectl's last-applied-configuration annotation, which holds a copy of the whole Secret. Works on whole
 * objects, Lists of them, merge and strategic merge patches (the same shape as the object) and JSON patches (by each
 * operation's path). Stateless.
 */
final class SecretRedaction {

    static final String REDACTED = "<redacted>";
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private static final Set<String> SECRET_FIELDS = Set.of("data", "stringData");

    private SecretRedaction() {
    }

    /** A Secret, a List of Secrets, or a merge / strategic merge patch of a Secret. */
    static void redactSecret(JsonNode node) {
        if (!(node instanceof ObjectNode object)) {
            return;
        }
        for (String field : SECRET_FIELDS) {
            if (object.has(field)) {
                object.set(field, redactValues(object.get(field)));
            }
        }
        redactMetadata(object.get("metadata"));
        if (object.get("items") instanceof ArrayNode items) {
            items.forEach(SecretRedaction::redactSecret);
        }
    }

    /** True when the document is a Secret or a List holding one: a Secret sent where it does not belong. */
    static boolean holdsSecret(JsonNode node) {
        if (!(node instanceof ObjectNode object)) {
            return false;
        }
        if ("Secret".equals(object.path("kind").asString(""))) {
            return true;
        }
        if (object.get("items") instanceof ArrayNode items) {
            for (JsonNode item : items) {
                if (holdsSecret(item)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Redacts the Secrets inside any document: itself if it is one, and the Secrets among its items. */
    static void redactEmbeddedSecrets(JsonNode node) {
        if (!(node instanceof ObjectNode object)) {
            return;
        }
        if ("Secret".equals(object.path("kind").asString(""))) {
            redactSecret(object);
            return;
        }
        if (object.get("items") instanceof ArrayNode items) {
            items.forEach(SecretRedaction::redactEmbeddedSecrets);
        }
    }

    /**
     * A JSON patch (RFC 6902) of a Secret: the {@code value} of every operation is redacted as the part of a Secret
     * its {@code path} addresses. An operation on the root ({@code ""}, or {@code "/"} as clients write it) replaces
     * the whole object. An operation whose path is not a string is redacted whole.
     *
     * @throws IllegalArgumentException when the document is not an array of objects
     */
    static void redactSecretJsonPatch(JsonNode patch) {
        if (!(patch instanceof ArrayNode ops)) {
            throw new IllegalArgumentException("a JSON patch is an array");
        }
        for (JsonNode op : ops) {
            if (!(op instanceof ObjectNode operation)) {
                throw new IllegalArgumentException("a JSON patch operation is an object");
            }
            JsonNode value = operation.get("value");
            if (value == null) {
                continue;
            }
            JsonNode path = operation.get("path");
            if (path == null || !path.isString()) {
                operation.put("value", REDACTED);
                continue;
            }
            operation.set("value", redactAt(pointer(path.asString()), value));
        }
    }

    /** A TokenReview's {@code spec.token} is a credential. */
    static void redactTokenReview(JsonNode node) {
        if (node instanceof ObjectNode object && object.get("spec") instanceof ObjectNode spec && spec.has("token")) {
            spec.put("token", REDACTED);
        }
    }

    /** The value written at {@code path} inside a Secret, redacted. */
    private static JsonNode redactAt(List<String> path, JsonNode value) {
        if (path.isEmpty() || path.equals(List.of(""))) {
            if (value instanceof ObjectNode) {
                redactSecret(value);
                return value;
            }
            return value.isNull() ? value : StringNode.valueOf(REDACTED);
        }
        String head = path.get(0);
        if (SECRET_FIELDS.contains(head)) {
            if (path.size() == 1) {
                return redactValues(value);
            }
            return value.isNull() ? value : StringNode.valueOf(REDACTED);
        }
        if (head.equals("metadata")) {
            if (path.size() == 1) {
                redactMetadata(value);
            } else if (path.get(1).equals("annotations")) {
                if (path.size() == 2) {
                    redactAnnotations(value);
                } else if (path.get(2).equals(LAST_APPLIED)) {
                    return redactLastApplied(value);
                }
            }
        }
        return value;
    }

    /** The values of a data map; {@code null} (a key's removal in a merge patch) and {@code $patch} directives stay. */
    private static JsonNode redactValues(JsonNode data) {
        if (data.isNull()) {
            return data;
        }
        if (!(data instanceof ObjectNode map)) {
            return StringNode.valueOf(REDACTED);
        }
        List<String> keys = new ArrayList<>(map.propertyNames());
        for (String key : keys) {
            JsonNode v = map.get(key);
            if (v.isNull() || (key.equals("$patch") && v.isString())) {
                continue;
            }
            map.put(key, REDACTED);
        }
        return map;
    }

    private static void redactMetadata(JsonNode metadata) {
        if (metadata instanceof ObjectNode object && object.has("annotations")) {
            redactAnnotations(object.get("annotations"));
        }
    }

    private static void redactAnnotations(JsonNode annotations) {
        if (annotations instanceof ObjectNode map && map.has(LAST_APPLIED)) {
            map.set(LAST_APPLIED, redactLastApplied(map.get(LAST_APPLIED)));
        }
    }

    /** The annotation holds the applied Secret as a JSON string: kept redacted, or replaced when it cannot be read. */
    private static JsonNode redactLastApplied(JsonNode value) {
        if (value.isNull()) {
            return value;
        }
        if (value.isString()) {
            try {
                JsonNode applied = Json.tree(value.asString().getBytes(StandardCharsets.UTF_8));
                if (applied instanceof ObjectNode) {
                    redactSecret(applied);
                    return StringNode.valueOf(Json.writeString(applied));
                }
            } catch (RuntimeException unreadable) {
                // fall through: not JSON, so nothing of it is kept
            }
        }
        return StringNode.valueOf(REDACTED);
    }

    /** The reference tokens of a JSON pointer (RFC 6901); a pointer without a leading slash is read as if it had one. */
    static List<String> pointer(String pointer) {
        if (pointer.isEmpty()) {
            return List.of();
        }
        String body = pointer.startsWith("/") ? pointer.substring(1) : pointer;
        List<String> tokens = new ArrayList<>();
        for (String token : body.split("/", -1)) {
            tokens.add(token.replace("~1", "/").replace("~0", "~"));
        }
        return tokens;
    }
}
