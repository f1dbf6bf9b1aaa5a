package io.berth.bench;

import io.berth.testkit.ClusterHarness;

import java.time.Duration;
import java.util.Locale;

/**
 * The cluster the benchmarks run against: one api-service replica and the gateway with full-JIT JVM flags (the
 * harness's default favours start-up time: C1 only). {@code BERTH_BENCH_JVM_OPTS} replaces the flags, e.g. to add
 * {@code -XX:StartFlightRecording} for a profile.
 *
 * <p>The benchmarks of one run share it, each in namespaces of its own: starting a cluster with full JIT takes 20 to
 * 50 s on a loaded 2-core machine, and the whole run should take about four minutes. Every benchmark warms up before
 * it measures, so what an earlier one left behind (JIT state, objects in the watch cache) matters little.
 */
final class Clusters {

    static final String DEFAULT_JVM_OPTS = "-Xmx1g -XX:+UseParallelGC";

    private Clusters() {
    }

    static String jvmOpts() {
        String opts = System.getenv("BERTH_BENCH_JVM_OPTS");
        return opts == null || opts.isBlank() ? DEFAULT_JVM_OPTS : opts.strip();
    }

    static ClusterHarness start() {
        Console.progress("bench", "starting a cluster: etcd, 1 api-service replica, gateway");
        ClusterHarness.Builder builder = ClusterHarness.builder()
                .apiReplicas(1)
                .jvmArgs(jvmOpts().split("\\s+"))
                // the node simulator's level (only its user's requests): 5,000 simulated nodes renew 500 Leases a
                // second, the default limit, and write their status besides (simulated-leases)
                .gatewayProperty("berth.gateway.limits.levels.simulator.limit-for-period", "2000")
                // the control plane's level (the scheduler's user): scheduler_perf gives the scheduler's client 5,000
                // requests/s; the default 200/s and 15 seats per user would cap bindings at 200 pods/s, and the
                // scheduler keeps up to 256 bindings and 4 Event writes in flight (scheduling-basic, -spread)
                .gatewayProperty("berth.gateway.limits.levels.system.limit-for-period", "5000")
                .gatewayProperty("berth.gateway.limits.levels.system.seats", "300")
                .gatewayProperty("berth.gateway.limits.levels.system.flow-share", "1");
        // BERTH_BENCH_GATEWAY_PROPS="key=value,key=value": gateway settings for an experiment (e.g. the audit trail off)
        String gatewayProps = System.getenv("BERTH_BENCH_GATEWAY_PROPS");
        if (gatewayProps != null && !gatewayProps.isBlank()) {
            for (String pair : gatewayProps.split(",")) {
                String[] kv = pair.strip().split("=", 2);
                builder.gatewayProperty(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        ClusterHarness cluster = builder.start();
        try {
            warmUp(cluster);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /**
     * Creates, gets and lists at 16 concurrent for a while, then waits for the JIT compilers to finish: the first
     * benchmark would otherwise measure a cold JVM (C2 compiling costs a core for tens of seconds on this machine)
     * and the later ones a warm one.
     */
    private static void warmUp(ClusterHarness cluster) {
        Duration duration = Console.seconds(40);
        Console.progress("bench", "cluster ready at " + cluster.gatewayUrl() + "; warming it up for "
                + duration.toSeconds() + " s");
        String namespace = "bench-warmup";
        try (GatewayClient client = new GatewayClient(cluster, "warmup", 16, 1, Duration.ofSeconds(30))) {
            Pods.createNamespace(client, namespace);
            ClosedLoop.Result result = ClosedLoop.run(16, duration, i -> {
                String name = "warm-" + (i / 3);
                switch (i % 3) {
                    case 0:
                        return GatewayClient.expect(201, client.post(Pods.podsPath(namespace), Pods.pod(name)));
                    case 1:
                        return client.get(Pods.podPath(namespace, name));
                    default:
                        return GatewayClient.expect(200, client.get(Pods.podsPath(namespace) + "?limit=50"));
                }
            }, new Latencies());
            Console.progress("bench", String.format(Locale.ROOT, "warm-up: %.0f requests/s",
                    result.perSecond()));
        }
        settle("warm-up");
    }

    /** {@link CpuUsage#settle} with a progress line. */
    static void settle(String after) {
        Duration took = CpuUsage.settle(Duration.ofSeconds(15));
        Console.progress("bench", String.format(Locale.ROOT, "the cluster was busy for %.1f s after the %s",
                took.toMillis() / 1e3, after));
    }

    /** {@code cluster} if it still answers through the gateway; else it is closed and a new one started. */
    static ClusterHarness healthyOrNew(ClusterHarness cluster) {
        if (cluster != null) {
            if (answers(cluster)) {
                return cluster;
            }
            Console.progress("bench", "the cluster no longer answers: starting a new one");
            cluster.close();
        }
        return start();
    }

    private static boolean answers(ClusterHarness cluster) {
        try (GatewayClient client = new GatewayClient(cluster, "health", 1, 1, Duration.ofSeconds(20))) {
            GatewayClient.expect(200, client.get("/api/v1/namespaces/default")).block(Duration.ofSeconds(30));
            return true;
        } catch (RuntimeException e) {
            Console.progress("bench", "health check failed: " + OpenLoop.describe(e));
            return false;
        }
    }
}
