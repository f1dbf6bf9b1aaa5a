package io.berth.apimachinery.client;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An API client's writes (the scheduler's bindings, the controllers' pod creations, events) as asynchronous
 * requests over the fabric8 client's own HTTP client (its TLS, token and retries), so a thousand writes a second need
 * no thread each. Two lanes: {@link #send} (bindings, evictions, creations) has up to {@code inFlight} requests open
 * and makes the caller wait for room; {@link #sendLater} (events, conditions) keeps only
 * {@value #BACKGROUND_IN_FLIGHT} open and queues the rest (up to {@value #MAX_BACKLOG}, then drops), so a burst of
 * events never sits in front of a binding in the gateway's queue. Thread safe.
 */
public final class ApiCalls {

    static final int BACKGROUND_IN_FLIGHT = 4;
    static final int MAX_BACKLOG = 10_000;

    /** Status code and body of an answer. */
    public record Answer(int code, String body) {
        public boolean ok() {
            return code >= 200 && code < 300;
        }
    }

    private final HttpClient http;
    private final String base;
    private final Semaphore room;
    private final Semaphore background = new Semaphore(BACKGROUND_IN_FLIGHT);
    private final Queue<Runnable> backlog = new ConcurrentLinkedQueue<>();
    private final AtomicInteger backlogSize = new AtomicInteger();

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

    /** Sends in the background lane, after what is queued there; dropped when the backlog is full. */
    public void sendLater(String method, String path, String contentType, String body) {
        if (backlogSize.incrementAndGet() > MAX_BACKLOG) {
            backlogSize.decrementAndGet();
            return;
        }
        backlog.add(() -> request(method, path, contentType, body).whenComplete((a, e) -> {
            background.release();
            drain();
        }));
        drain();
    }

    private void drain() {
        // whoever adds to the backlog or frees a permit drains, so nothing queued waits without a reason
        while (!backlog.isEmpty() && background.tryAcquire()) {
            Runnable next = backlog.poll();
            if (next == null) {
                background.release();
                continue;
            }
            backlogSize.decrementAndGet();
            next.run();
        }
    }

    private CompletableFuture<Answer> start(String method, String path, String contentType, String body) {
        return request(method, path, contentType, body).whenComplete((a, e) -> room.release());
    }

    private CompletableFuture<Answer> request(String method, String path, String contentType, String body) {
        try {
            HttpRequest.Builder request = http.newHttpRequestBuilder().uri(base + path)
                    .method(method, contentType, body);
            return http.sendAsync(request.build(), String.class)
                    .thenApply(r -> new Answer(r.code(), r.body()));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
