package io.berth.scheduler.api;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * The scheduler's writes (bindings, events, pod conditions) as asynchronous requests over the fabric8 client's own
 * HTTP client (its TLS, token and retries), so a thousand bindings a second need no thread each. At most
 * {@code inFlight} requests are open at once; {@link #trySend} drops what does not fit (events), {@link #send} waits
 * for room (bindings). Thread safe.
 */
public final class ApiCalls {

    /** Status code and body of an answer. */
    public record Answer(int code, String body) {
        public boolean ok() {
            return code >= 200 && code < 300;
        }
    }

    private final HttpClient http;
    private final String base;
    private final Semaphore room;

    public ApiCalls(KubernetesClient client, int inFlight) {
        this.http = client.getHttpClient();
        String url = client.getMasterUrl().toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.room = new Semaphore(inFlight);
    }

    /** Sends once there is room; the caller's thread waits for it (back-pressure on the scheduling thread). */
    public CompletableFuture<Answer> send(String method, String path, String contentType, String body) {
        room.acquireUninterruptibly();
        return start(method, path, contentType, body);
    }

    /** Sends if there is room, else answers null at once (for what may be lost, like events). */
    public CompletableFuture<Answer> trySend(String method, String path, String contentType, String body) {
        if (!room.tryAcquire()) {
            return CompletableFuture.completedFuture(null);
        }
        return start(method, path, contentType, body);
    }

    private CompletableFuture<Answer> start(String method, String path, String contentType, String body) {
        try {
            HttpRequest.Builder request = http.newHttpRequestBuilder().uri(base + path)
                    .method(method, contentType, body);
            return http.sendAsync(request.build(), String.class)
                    .thenApply(r -> new Answer(r.code(), r.body()))
                    .whenComplete((a, e) -> room.release());
        } catch (RuntimeException e) {
            room.release();
            return CompletableFuture.failedFuture(e);
        }
    }
}
