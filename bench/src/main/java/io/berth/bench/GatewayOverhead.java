package io.berth.bench;

import io.berth.testkit.ClusterHarness;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import reactor.core.publisher.Mono;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What the gateway adds to a request: the same GET of one pod, by a tenant user whom RBAC allows through a
 * RoleBinding (so authentication, rate limits, RBAC, audit and proxying all run), once through the gateway and once
 * straight to an api-service replica with the gateway's front-proxy client certificate and the same identity
 * headers. The two alternate request by request, one in flight, 40 pairs a second, so both see the same machine at
 * the same moment.
 * Goals: at most 1 ms added at p50 and 3 ms at p99.
 */
final class GatewayOverhead implements Benchmark {

    static final String NAME = "gateway-overhead";
    private static final String NAMESPACE = "bench-gateway";
    private static final String USER = "alice";
    private static final long PAIRS_PER_SECOND = 40;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Row failed(String reason) {
        return Row.failed(NAME, "GET p50 added by the gateway", reason, "ms", "<= 1 ms");
    }

    @Override
    public List<Row> run(ClusterHarness cluster) {
        try (GatewayClient admin = new GatewayClient(cluster, "gw-setup", 4, 1, Duration.ofSeconds(30))) {
            Pods.createNamespace(admin, NAMESPACE);
            GatewayClient.expect(201, admin.post(Pods.podsPath(NAMESPACE), Pods.pod("target")))
                    .onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(30));
            String binding = "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"RoleBinding\","
                    + "\"metadata\":{\"name\":\"bench-view\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\","
                    + "\"kind\":\"ClusterRole\",\"name\":\"view\"},\"subjects\":[{\"kind\":\"User\",\"name\":\""
                    + USER + "\",\"apiGroup\":\"rbac.authorization.k8s.io\"}]}";
            admin.post("/apis/rbac.authorization.k8s.io/v1/namespaces/" + NAMESPACE + "/rolebindings",
                    binding.getBytes(StandardCharsets.UTF_8)).block(Duration.ofSeconds(30));
        }
        String path = Pods.podPath(NAMESPACE, "target");
        try (GatewayClient gateway = new GatewayClient(cluster.gatewayUrl(), cluster.caCert(), cluster.userToken(),
                "gw-tenant", 1, 1, Duration.ofSeconds(30));
             Direct direct = new Direct(cluster)) {
            Mono<?> viaGateway = GatewayClient.expect(200, gateway.get(path));
            Mono<?> straight = direct.get(path);
            viaGateway.block(Duration.ofSeconds(30));
            straight.block(Duration.ofSeconds(30));
            Duration warmup = Console.seconds(30);
            Console.progress(NAME, String.format(Locale.ROOT, "%.0f s warm-up", warmup.toSeconds() * 1.0));
            alternate(viaGateway, straight, warmup, new Latencies(), new Latencies());
            Latencies g = new Latencies();
            Latencies d = new Latencies();
            int n = alternate(viaGateway, straight, Console.seconds(45), g, d);
            Console.progress(NAME, n + " request pairs");
            return rows(g, d);
        }
    }

    /**
     * Pairs at a steady 40/s: below the tenant's rate limit (50 requests/s in {@code global-default}), so every
     * request takes the limiter's path without being refused.
     */
    private static int alternate(Mono<?> a, Mono<?> b, Duration duration, Latencies la, Latencies lb) {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long interval = TimeUnit.SECONDS.toNanos(1) / PAIRS_PER_SECOND;
        int pairs = 0;
        while (System.nanoTime() < end) {
            long slot = start + pairs * interval;
            long wait = slot - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            long t0 = System.nanoTime();
            a.block(Duration.ofSeconds(30));
            long t1 = System.nanoTime();
            b.block(Duration.ofSeconds(30));
            long t2 = System.nanoTime();
            la.record(t1 - t0);
            lb.record(t2 - t1);
            pairs++;
        }
        return pairs;
    }

    private static List<Row> rows(Latencies gateway, Latencies direct) {
        List<Row> rows = new ArrayList<>();
        for (int p : new int[] {50, 99}) {
            long g = gateway.percentile(p);
            long d = direct.percentile(p);
            long added = g - d;
            long goal = TimeUnit.MILLISECONDS.toNanos(p == 50 ? 1 : 3);
            rows.add(new Row(NAME, "GET p" + p + " through the gateway", Table.millis(g), "ms",
                    Table.millis(d) + " ms direct", Table.number(d == 0 ? 0 : (double) g / d), Row.NONE, Row.NONE));
            rows.add(Row.goal(NAME, "GET p" + p + " added by the gateway", Table.millis(added), "ms",
                    "<= " + (p == 50 ? 1 : 3) + " ms", added <= goal));
        }
        return rows;
    }

    /** Straight to the first api-service replica over mutual TLS, asserting the tenant's identity as the gateway would. */
    private static final class Direct implements AutoCloseable {
        private final ConnectionProvider pool = ConnectionProvider.builder("gw-direct").maxConnections(1).build();
        private final LoopResources loops = LoopResources.create("gw-direct", 1, true);
        private final HttpClient client;

        Direct(ClusterHarness cluster) {
            Path pki = cluster.pkiDir();
            Http11SslContextSpec tls = Http11SslContextSpec.forClient().configure(b -> b
                    .trustManager(pki.resolve("ca.crt").toFile())
                    .keyManager(pki.resolve("front-proxy-client.crt").toFile(),
                            pki.resolve("front-proxy-client.key").toFile()));
            this.client = HttpClient.create(pool).runOn(loops).protocol(HttpProtocol.HTTP11)
                    .secure(spec -> spec.sslContext(tls))
                    .baseUrl(cluster.apiServiceUrls().get(0))
                    .keepAlive(true)
                    .headers(h -> h.set(HttpHeaderNames.ACCEPT, "application/json")
                            .set("X-Remote-User", USER)
                            .add("X-Remote-Group", "tenants")
                            .add("X-Remote-Group", "developers")
                            .add("X-Remote-Group", "system:authenticated"));
        }

        Mono<?> get(String path) {
            return client.request(HttpMethod.GET).uri(path)
                    .responseSingle((response, body) -> body.asByteArray().defaultIfEmpty(new byte[0])
                            .flatMap(bytes -> response.status().code() == 200 ? Mono.just(bytes)
                                    : Mono.error(new IllegalStateException("direct GET answered "
                                    + response.status().code() + ": " + new String(bytes, StandardCharsets.UTF_8)))));
        }

        @Override
        public void close() {
            pool.disposeLater().block(Duration.ofSeconds(10));
            loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        }
    }
}
