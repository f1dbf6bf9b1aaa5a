package io.berth.controller.runtime;

import io.berth.apimachinery.client.ApiCalls;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Bulk writes over {@link ApiCalls}' first lane, for controllers that send many at once (a replica set's pods): each
 * completes with null on success or the API's reason for refusing (its {@code Status} message and code), never
 * exceptionally, so a batch can be awaited as a whole. Thread safe.
 */
public final class Writes {

    private final ApiCalls api;
    private final KubernetesSerialization json;

    public Writes(ApiCalls api, KubernetesSerialization json) {
        this.api = api;
        this.json = json;
    }

    /** POSTs {@code object} to the collection at {@code path}. */
    public CompletableFuture<String> create(String path, Object object) {
        return outcome(api.send("POST", path, "application/json", json.asJson(object)));
    }

    /** DELETEs the object at {@code path} if it still has {@code uid} (a precondition; null for none). */
    public CompletableFuture<String> delete(String path, String uid) {
        String body = uid == null ? "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\"}"
                : json.asJson(Map.of("kind", "DeleteOptions", "apiVersion", "v1",
                "preconditions", Map.of("uid", uid)));
        return outcome(api.send("DELETE", path, "application/json", body));
    }

    /** Applies a JSON patch ({@code op}/{@code path}/{@code value} maps) to the object at {@code path}. */
    public CompletableFuture<String> jsonPatch(String path, List<Map<String, Object>> operations) {
        return outcome(api.send("PATCH", path, "application/json-patch+json", json.asJson(operations)));
    }

    private CompletableFuture<String> outcome(CompletableFuture<ApiCalls.Answer> answer) {
        return answer.handle((a, e) -> {
            if (e != null) {
                return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
            return a.ok() ? null : message(a);
        });
    }

    private String message(ApiCalls.Answer answer) {
        try {
            Status s = json.unmarshal(answer.body(), Status.class);
            if (s != null && s.getMessage() != null) {
                return s.getMessage() + " (" + answer.code() + ")";
            }
        } catch (RuntimeException ignored) {
            // not a Status: say what came back
        }
        return "HTTP " + answer.code();
    }
}
