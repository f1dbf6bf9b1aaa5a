package io.berth.bench;

import io.berth.testkit.ClusterHarness;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.DeleteOption;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Pod creates per second through the gateway at 64 concurrent clients, next to raw jetcd puts per second of the
 * stored pod's exact bytes at 64 in flight against the same etcd in the same run. Goal: ratio >= 0.5.
 *
 * <p>The ratio is what the API path (TLS twice, authentication, authorization, decoding, defaulting, validation,
 * admission, a conditional transaction) leaves of what etcd itself can take on this machine.
 */
final class PodCreate implements Benchmark {

    static final String NAME = "pod-create";
    private static final int CONCURRENCY = 64;
    private static final String NAMESPACE = "bench-create";
    private static final String RAW_PREFIX = "/bench-raw/pods/";
    private static final String GOAL = "ratio >= 0.5";
    private static final String HEADLINE = "gateway creates/s, 64 concurrent HTTP/1.1 keep-alive";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Row failed(String reason) {
        return Row.failed(NAME, HEADLINE, reason, "creates/s", GOAL);
    }

    @Override
    public List<Row> run(ClusterHarness cluster) throws Exception {
        Duration warmup = Console.seconds(15);
        Duration measure = Console.seconds(15);
        try (GatewayClient gateway = new GatewayClient(cluster, "pod-create", CONCURRENCY, 2, Duration.ofSeconds(30))) {
            Pods.createNamespace(gateway, NAMESPACE);
            String path = Pods.podsPath(NAMESPACE);

            Console.progress(NAME, "warming up: " + warmup.toSeconds() + " s of creates");
            ClosedLoop.run(CONCURRENCY, warmup,
                    i -> GatewayClient.expect(201, gateway.post(path, Pods.pod("warm-" + i))), new Latencies());

            Console.progress(NAME, "measuring gateway creates for " + measure.toSeconds() + " s");
            Latencies latencies = new Latencies();
            CpuUsage cpu = CpuUsage.take();
            ClosedLoop.Result creates = ClosedLoop.run(CONCURRENCY, measure,
                    i -> GatewayClient.expect(201, gateway.post(path, Pods.pod("pod-" + i))), latencies);
            Console.progress(NAME, CpuUsage.take().since(cpu, creates.completed(), "create"));
            Console.progress(NAME, creates.completed() + " creates, " + creates.failed() + " failed"
                    + (creates.firstError() == null ? "" : " (first: " + creates.firstError() + ")"));
            if (creates.completed() == 0) {
                return List.of(failed("no create succeeded: " + creates.firstError()));
            }

            try (Client etcd = EtcdClients.connect(cluster)) {
                byte[] stored = storedValue(etcd.getKVClient(), "/registry/core/pods/" + NAMESPACE + "/pod-0");
                Console.progress(NAME, "measuring raw jetcd puts of the " + stored.length + "-byte stored pod for "
                        + measure.toSeconds() + " s");
                ByteSequence value = ByteSequence.from(stored);
                KV kv = etcd.getKVClient();
                ClosedLoop.run(CONCURRENCY, Console.seconds(2), i -> put(kv, "warm-" + i, value), new Latencies());
                CpuUsage cpuPuts = CpuUsage.take();
                ClosedLoop.Result puts = ClosedLoop.run(CONCURRENCY, measure, i -> put(kv, "pod-" + i, value),
                        new Latencies());
                Console.progress(NAME, CpuUsage.take().since(cpuPuts, puts.completed(), "put"));
                Console.progress(NAME, puts.completed() + " raw puts, " + puts.failed() + " failed");
                removeRawKeys(kv);
                return rows(creates, latencies, puts, stored.length);
            }
        }
    }

    private static List<Row> rows(ClosedLoop.Result creates, Latencies latencies, ClosedLoop.Result puts,
                                  int storedBytes) {
        List<Row> rows = new ArrayList<>();
        String created = Table.number(creates.perSecond());
        if (puts.completed() == 0) {
            rows.add(new Row(NAME, HEADLINE, created, "creates/s",
                    "no raw put succeeded: " + puts.firstError(), Row.NONE, GOAL, "no"));
        } else {
            double ratio = creates.perSecond() / puts.perSecond();
            rows.add(new Row(NAME, HEADLINE, created, "creates/s",
                    Table.number(puts.perSecond()), String.format(Locale.ROOT, "%.2f", ratio), GOAL,
                    ratio >= 0.5 ? "yes" : "no"));
        }
        rows.add(Row.info(NAME, "raw jetcd puts/s at 64 in flight (" + storedBytes + "-byte stored pod)",
                Table.number(puts.perSecond()), "puts/s"));
        rows.add(Row.info(NAME, "create latency p50 at 64 concurrent", Table.millis(latencies.percentile(50)), "ms"));
        rows.add(Row.info(NAME, "create latency p99 at 64 concurrent", Table.millis(latencies.percentile(99)), "ms"));
        if (creates.failed() > 0) {
            rows.add(Row.goal(NAME, "failed creates (first: " + creates.firstError() + ")",
                    Integer.toString(creates.failed()), "requests", "0", false));
        }
        return rows;
    }

    /**
     * Deletes the raw keys and compacts their history away, as the cluster's own compaction would within 5 minutes:
     * the benchmarks after this one share the etcd, and 100,000 uncompacted revisions made every etcd request of
     * api-latency cost 4 to 8 times the CPU it costs on a fresh etcd.
     */
    private static void removeRawKeys(KV kv) throws Exception {
        long revision = kv.delete(ByteSequence.from(RAW_PREFIX, StandardCharsets.UTF_8),
                DeleteOption.builder().isPrefix(true).build()).get(30, TimeUnit.SECONDS).getHeader().getRevision();
        kv.compact(revision, CompactOption.builder().withCompactPhysical(true).build()).get(60, TimeUnit.SECONDS);
    }

    private static Mono<?> put(KV kv, String name, ByteSequence value) {
        return Mono.fromFuture(() -> kv.put(ByteSequence.from(RAW_PREFIX + name, StandardCharsets.UTF_8), value));
    }

    /** The bytes the api-service stored for a pod, read straight from etcd. */
    private static byte[] storedValue(KV kv, String key) {
        try {
            GetResponse response = kv.get(ByteSequence.from(key, StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
            if (response.getKvs().isEmpty()) {
                throw new IllegalStateException("etcd has no " + key + " although its create answered 201");
            }
            return response.getKvs().get(0).getValue().getBytes();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + key + " from etcd: " + e.getMessage(), e);
        }
    }
}
