package io.berth.apiserver.storage;

import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.json.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A list continuation, encoded as Kubernetes does: base64 of {@code {"v":"meta.k8s.io/v1","rv":N,"start":"key"}},
 * where {@code start} is relative to the list's key prefix and {@code rv} pins every page to one revision.
 */
public record ContinueToken(long revision, String start) {

    public String encode() {
        ObjectNode node = Json.object();
        node.put("v", "meta.k8s.io/v1");
        node.put("rv", revision);
        node.put("start", start);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(node));
    }

    /** Parses a client's token; a damaged one is a 400 as in Kubernetes. */
    public static ContinueToken decode(String token) {
        try {
            byte[] raw = decodeBase64(token);
            JsonNode node = Json.tree(raw);
            if (!"meta.k8s.io/v1".equals(node.path("v").asString(""))) {
                throw new IllegalArgumentException("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
            }
            long rv = node.path("rv").asLong(0);
            String start = node.path("start").asString("");
            if (rv <= 0) {
                throw new IllegalArgumentException("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
            }
            if (start.isEmpty() || start.startsWith("/") || start.contains("..")) {
                throw new IllegalArgumentException("continue key is not valid: encoded start key is not valid");
            }
            return new ContinueToken(rv, start);
        } catch (IllegalArgumentException e) {
            throw StatusErrors.badRequest(e.getMessage().startsWith("continue key") ? e.getMessage()
                    : "continue key is not valid: " + e.getMessage());
        } catch (RuntimeException e) {
            throw StatusErrors.badRequest("continue key is not valid: " + e.getMessage());
        }
    }

    private static byte[] decodeBase64(String token) {
        try {
            return Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return Base64.getDecoder().decode(token.getBytes(StandardCharsets.US_ASCII));
        }
    }
}
