package io.berth.bench;

import io.berth.apimachinery.json.Json;
import io.berth.testkit.ClusterHarness;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * API latency p50/p99 through the gateway for get, list (a namespace of 500 pods), create and update (PUT), each at
 * a steady 200 requests/s on a fixed schedule (open loop: latency from the scheduled start). Goal: p99 <= 25 ms.
 *
 * <p>Creates go to a second namespace, so the listed one keeps exactly 500 pods. Updates are PUTs (see
 * {@link Updates}). Every operation has a warm-up at the same rate before it is measured.
 */
final class ApiLatency implements Benchmark {

    static final String NAME = "api-latency";
    private static final int PODS = 500;
    private static final double RATE = 200;
    private static final String NAMESPACE = "bench-api";
    private static final String CREATE_NAMESPACE = "bench-api-create";
    private static final String GOAL = "p99 <= 25 ms";
    private static final long GOAL_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
    private static final Duration DRAIN = Duration.ofSeconds(5);
    /**
     * HTTP/1.1 connections per operation, opened during its warm-up. 200 requests/s at the goal's 25 ms need 5;
     * beyond 32 in flight, requests queue in the client, and their latency (from the schedule) shows it.
     */
    private static final int CONNECTIONS = 32;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Row failed(String reason) {
        return Row.failed(NAME, "get p99 at 200 req/s", reason, "ms", GOAL);
    }

    @Override
    public List<Row> run(ClusterHarness cluster) {
        Updates updates = new Updates();
        try (GatewayClient client = new GatewayClient(cluster, "api-setup", CONNECTIONS, 2, Duration.ofSeconds(30))) {
            if (!preload(client, updates)) {
                return List.of(failed("the namespace does not list " + PODS + " pods after " + PODS + " creates"));
            }
        }
        AtomicInteger creates = new AtomicInteger();
        List<Row> rows = new ArrayList<>();
        rows.addAll(measure(cluster, "get", client -> i ->
                GatewayClient.expect(200, client.get(Pods.podPath(NAMESPACE, "pod-" + (i % PODS))))));
        rows.addAll(measure(cluster, "list (500 pods)", client -> i ->
                GatewayClient.expect(200, client.get(Pods.podsPath(NAMESPACE)))));
        rows.addAll(measure(cluster, "create", client -> i ->
                GatewayClient.expect(201, client.post(Pods.podsPath(CREATE_NAMESPACE),
                        Pods.pod("new-" + creates.getAndIncrement())))));
        rows.addAll(measure(cluster, "update (PUT)", client -> i -> updates.next(client)));
        return rows;
    }

    private static boolean preload(GatewayClient client, Updates updates) {
        Pods.createNamespace(client, NAMESPACE);
        Pods.createNamespace(client, CREATE_NAMESPACE);
        Console.progress(NAME, "creating " + PODS + " pods");
        Flux.range(0, PODS)
                .flatMap(i -> GatewayClient.expect(201, client.post(Pods.podsPath(NAMESPACE), Pods.pod("pod-" + i)))
                        .doOnNext(r -> updates.done(i, r)), 32)
                .then()
                .block(Duration.ofMinutes(2));
        int listed = Json.tree(GatewayClient.expect(200, client.get(Pods.podsPath(NAMESPACE)))
                .block(Duration.ofSeconds(30)).body()).path("items").size();
        Console.progress(NAME, "the namespace lists " + listed + " pods");
        return listed == PODS;
    }

    /**
     * Warm-up and measurement of one operation, with a client of its own: closing it closes every connection, so
     * requests a slow operation left behind are cancelled (the gateway and the api-service see the connections go)
     * rather than queued in front of the next operation's.
     */
    private List<Row> measure(ClusterHarness cluster, String operation,
                              Function<GatewayClient, IntFunction<Mono<?>>> requests) {
        try (GatewayClient client = new GatewayClient(cluster, "api-" + operation.split(" ")[0], CONNECTIONS, 2,
                Duration.ofSeconds(30))) {
            return measure(operation, requests.apply(client));
        } finally {
            Clusters.settle(operation);
        }
    }

    private List<Row> measure(String operation, IntFunction<Mono<?>> request) {
        Duration warmup = Console.seconds(5);
        Duration measure = Console.seconds(10);
        Console.progress(NAME, String.format(Locale.ROOT, "%s: %.1f s warm-up, then %.1f s at %d/s", operation,
                warmup.toMillis() / 1e3, measure.toMillis() / 1e3, (int) RATE));
        OpenLoop.run(RATE, warmup, request, new Latencies(), DRAIN);
        Latencies latencies = new Latencies();
        CpuUsage cpu = CpuUsage.take();
        OpenLoop.Result result = OpenLoop.run(RATE, measure, request, latencies, DRAIN);
        Console.progress(NAME, CpuUsage.take().since(cpu, result.completed(), "request"));
        Console.progress(NAME, operation + ": " + result.completed() + " of " + result.scheduled() + " answered"
                + (result.firstError() == null ? "" : "; " + result.errors() + " failed (first: "
                + result.firstError() + ")"));
        List<Row> rows = new ArrayList<>();
        if (result.completed() == 0) {
            rows.add(Row.failed(NAME, operation + " p99 at 200 req/s", "no request succeeded: "
                    + result.firstError(), "ms", GOAL));
            return rows;
        }
        long p99 = latencies.percentile(99);
        rows.add(Row.info(NAME, operation + " p50 at 200 req/s", Table.millis(latencies.percentile(50)), "ms"));
        rows.add(Row.goal(NAME, operation + " p99 at 200 req/s", Table.millis(p99), "ms", GOAL,
                p99 <= GOAL_NANOS && result.errors() == 0));
        if (result.errors() > 0) {
            rows.add(Row.goal(NAME, operation + " failed requests (first: "
                    + GatewayClient.abbreviate(result.firstError(), 120) + ")",
                    result.errors() + " of " + result.scheduled(), "requests", "0", false));
        }
        return rows;
    }

    /**
     * PUTs that change a label, each of a pod whose previous update has answered, with that answer's
     * resourceVersion: no GET first, and no conflict however slow the server is, as long as some of the 500 pods are
     * idle (when none is, the next pod in turn is updated and its 409 counts as a failure). Thread safe.
     */
    private static final class Updates {
        private final AtomicReferenceArray<ObjectNode> latest = new AtomicReferenceArray<>(PODS);
        private final ConcurrentLinkedQueue<Integer> idle = new ConcurrentLinkedQueue<>();
        private final AtomicInteger sequence = new AtomicInteger();

        /** Pod {@code pod} answered {@code response}: it may be updated again. */
        void done(int pod, GatewayClient.Response response) {
            latest.set(pod, (ObjectNode) Json.tree(response.body()));
            idle.add(pod);
        }

        Mono<GatewayClient.Response> next(GatewayClient client) {
            int seq = sequence.getAndIncrement();
            Integer free = idle.poll();
            int pod = free != null ? free : seq % PODS;
            ObjectNode body = latest.get(pod).deepCopy();
            ((ObjectNode) body.path("metadata")).withObjectProperty("labels").put("revision", Integer.toString(seq));
            return GatewayClient.expect(200, client.put(Pods.podPath(NAMESPACE, "pod-" + pod), Json.write(body)))
                    .doOnNext(r -> done(pod, r))
                    .doOnError(e -> {
                        if (free != null) {
                            idle.add(pod);
                        }
                    });
        }
    }
}
