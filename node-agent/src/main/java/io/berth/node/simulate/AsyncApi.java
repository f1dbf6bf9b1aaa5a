package io.berth.node.simulate;

import io.berth.apimachinery.json.Json;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Asynchronous API requests through a fabric8 client's own HTTP client (its TLS, bearer token and retries on 429/5xx),
 * for the simulator's writes: fabric8's resource DSL blocks a thread per request, and a few thousand writes a second
 * should not need hundreds of threads.
 *
 * <p>Every write goes through the gate: at most {@code concurrency} requests in flight, however many nodes are due,
 * so that the simulator queues on its side (in order) instead of flooding the gateway's queue for its priority level.
 * Thread safe.
 */
final class AsyncApi {

    static final String JSON = "application/json";
    static final String MERGE_PATCH = "application/merge-patch+json";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Status code and body of a response; the body is the API's JSON (an object or a {@code Status}). */
    record Response(int code, String body) {
        boolean ok() {
            return code >= 200 && code < 300;
        }
    }

    private final HttpClient http;
    private final String base;
    private final int concurrency;
    private final Semaphore gate;
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile LongConsumer gateWaits = nanos -> { };

    AsyncApi(KubernetesClient client, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("berth.node.simulate.concurrency must be at least 1");
        }
        this.http = client.getHttpClient();
        String url = client.getMasterUrl().toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.concurrency = concurrency;
        this.gate = new Semaphore(concurrency);
    }

    /** One request, outside the gate: for a step of a request chain that already holds a permit. */
    CompletableFuture<Response> send(String method, String path, String contentType, String body) {
        HttpRequest.Builder request = http.newHttpRequestBuilder()
                .uri(base + path)
                .timeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .header("Accept", JSON);
        if (body != null) {
            request.method(method, contentType, body);
        } else if (!method.equals("GET")) {
            request.method(method, JSON, "");
        }
        return http.sendAsync(request.build(), String.class).thenApply(r -> new Response(r.code(), r.body()));
    }

    /**
     * Starts {@code chain} when one of the {@code concurrency} permits is free (at once if one is), and gives the
     * permit back when the chain completes, however it completes. Never blocks: a chain that finds no permit waits in
     * a FIFO queue, started by the completion that frees one. So the scheduler threads that call this stay on time
     * however slow the API is, and what the caller put in the request (a renewTime) is what it meant to write, as a
     * client-go client builds its object before its rate limiter makes it wait.
     */
    <T> CompletableFuture<T> gated(Supplier<CompletableFuture<T>> chain) {
        CompletableFuture<T> result = new CompletableFuture<>();
        long queued = System.nanoTime();
        Runnable start = () -> {
            long waited = System.nanoTime() - queued;
            if (waited > 0) {
                gateWaits.accept(waited);
            }
            CompletableFuture<T> started;
            try {
                started = chain.get();
            } catch (RuntimeException e) {
                started = CompletableFuture.failedFuture(e);
            }
            started.whenComplete((r, e) -> {
                gate.release();
                drain();
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(r);
                }
            });
        };
        if (waiting.isEmpty() && gate.tryAcquire()) {
            start.run();
        } else {
            pending.incrementAndGet();
            waiting.add(start);
            drain();
        }
        return result;
    }

    /** Starts waiting chains while permits are free; safe to call from any thread at any time. */
    private void drain() {
        while (!waiting.isEmpty() && gate.tryAcquire()) {
            Runnable next = waiting.poll();
            if (next == null) {
                gate.release();  // another thread took it first: the loop checks again
            } else {
                pending.decrementAndGet();
                next.run();
            }
        }
    }

    /** {@link #gated} and wait for the answer: for the registration threads, which do one node at a time. */
    Response call(String method, String path, String contentType, String body)
            throws InterruptedException, TimeoutException {
        try {
            return gated(() -> send(method, path, contentType, body)).get(TIMEOUT.toSeconds() * 6, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Where the time spent waiting for a permit is reported (a metric). */
    void onGateWait(LongConsumer listener) {
        this.gateWaits = listener;
    }

    /** Writes waiting for a permit now: above 0 for long, the API does not keep up. */
    int pending() {
        return pending.get();
    }

    /** Requests in flight through the gate now. */
    int inFlight() {
        return concurrency - gate.availablePermits();
    }

    /**
     * JSON through Berth's own mapper, the one the api-service reads and writes with. Not fabric8's
     * {@code KubernetesSerialization}: its {@code unmarshal} builds a new deserializer, scanning the class loaders,
     * on every call (a profile of 100 Lease renewals/s put a sixth of the agent's CPU there).
     */
    String json(Object value) {
        return Json.writeString(value);
    }

    <T> T read(Response response, Class<T> type) {
        return Json.mapper().readValue(response.body(), type);
    }
}
