package io.berth.bench;

import io.berth.apimachinery.json.Json;
import io.berth.testkit.ClusterHarness;
import io.berth.testkit.LeaseRenewals;
import io.berth.testkit.NodeAgentHandle;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpMethod;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

/**
 * 5,000 simulated nodes from one node agent ({@code berth.node.simulate.count=5000}): after every node is registered
 * and one renew interval has passed, a watch on {@code kube-node-lease} observes every Lease renewal for a few
 * intervals. The lag of a renewal is the gap between a Lease's consecutive renewTimes minus the 10 s interval (a
 * renewal still missing at the end counts with its open gap). Goal: p99 <= 1 s. Also the delay from renewTime to the
 * watch event (the write's way through the gateway, the api-service and etcd back to a watcher), the agent's own
 * figures (renewals it counted late since its start; from a renewal's turn to its acknowledgement, p99), how long
 * registration took, and the agent's resident memory ({@code VmRSS}, highest during the measurement).
 *
 * <p>The cluster's {@code simulator} priority level is raised for this ({@link Clusters#start}): its default of 500
 * requests/s is exactly 5,000 nodes' Lease renewals, with nothing left for their status writes.
 */
final class SimulatedLeases implements Benchmark {

    static final String NAME = "simulated-leases";
    private static final int NODES = 5000;
    private static final String PREFIX = "bench-sim-";
    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final Duration GOAL_LAG = Duration.ofSeconds(1);
    private static final String GOAL = "p99 <= 1 s";
    private static final String LEASES = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases";
    private static final String HEADLINE = "Lease renewal lag p99 (renewTime gap - 10 s), 5000 nodes, one agent";
    private static final Duration REGISTRATION_DEADLINE = Duration.ofMinutes(10);

    private final AtomicReference<String> watchError = new AtomicReference<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Row failed(String reason) {
        return Row.failed(NAME, HEADLINE, reason, "ms", GOAL);
    }

    @Override
    public List<Row> run(ClusterHarness cluster) throws Exception {
        Duration measure = Console.seconds(60);
        Console.progress(NAME, "starting a node agent simulating " + NODES + " nodes");
        NodeAgentHandle agent = cluster.nodeAgent("bench-sim", Map.of(
                "berth.node.simulate.count", Integer.toString(NODES),
                "berth.node.simulate.name-prefix", PREFIX,
                "berth.node.simulate.token-file", cluster.simulatorTokenFile().toString(),
                "berth.node.lease-renew-interval", INTERVAL.toSeconds() + "s",
                // the kubelet's nodeStatusReportFrequency: with Leases on, a status nobody changed is written every
                // 5 minutes, not every minute
                "berth.node.status-update-interval", "5m"), REGISTRATION_DEADLINE);
        try (GatewayClient client = new GatewayClient(cluster, "sim-leases", 4, 1, Duration.ofSeconds(60))) {
            long started = System.nanoTime();
            CpuUsage registering = CpuUsage.take();
            Thread progress = progress(agent);
            try {
                agent.start();
            } catch (IllegalStateException e) {
                return List.of(failed("only " + registered(agent) + " of " + NODES + " nodes registered in "
                        + REGISTRATION_DEADLINE.toMinutes() + " min"));
            } finally {
                progress.interrupt();
                Console.progress(NAME, "registration: " + CpuUsage.take().since(registering, 0, "node"));
            }
            double registration = (System.nanoTime() - started) / 1e9;
            Console.progress(NAME, String.format(Locale.ROOT, "%d nodes registered, agent ready after %.1f s",
                    NODES, registration));
            LeaseRenewals renewals = new LeaseRenewals(INTERVAL);
            Disposable watch = watch(client, renewals);
            try {
                Instant from = Instant.now().plus(INTERVAL);
                Instant end = from.plus(measure);
                renewals.window(from, end);
                Console.progress(NAME, "watching Leases: one interval to settle, then " + measure.toSeconds()
                        + " s measured");
                CpuUsage cpu = null;
                long rss = 0;
                while (Instant.now().isBefore(end)) {
                    if (cpu == null && !Instant.now().isBefore(from)) {
                        cpu = CpuUsage.take();
                    }
                    rss = Math.max(rss, rssKb(agent.pid()));
                    if (watchError.get() != null) {
                        throw new IllegalStateException("the Lease watch failed: " + watchError.get());
                    }
                    LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
                }
                if (cpu != null) {
                    Console.progress(NAME, CpuUsage.take().since(cpu, 0, "renewal"));
                }
                LeaseRenewals.Report report = renewals.report(end,
                        IntStream.range(0, NODES).mapToObj(i -> PREFIX + i).toList());
                Console.progress(NAME, "gap lag: " + LeaseRenewals.Report.describe(report.gapLagNanos()));
                Console.progress(NAME, "delivery: " + LeaseRenewals.Report.describe(report.deliveryNanos()));
                // the agent's own lag: from a renewal's turn to the write's acknowledgement (last minutes)
                double agentP99 = agentValue(agent, "berth_simulator_lease_renewal_lag_seconds{quantile=\"0.99\"");
                return rows(report, registration, rss, agentMetric(agent, "berth_simulator_lease_renewals_late_total"),
                        agentP99);
            } finally {
                watch.dispose();
            }
        } finally {
            agent.kill();
            try (GatewayClient client = new GatewayClient(cluster, "sim-cleanup", 2, 1, Duration.ofMinutes(2))) {
                cleanUp(client);
            }
        }
    }

    /** Reports the registration's progress every 30 s until interrupted. */
    private static Thread progress(NodeAgentHandle agent) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(Duration.ofSeconds(30).toNanos());
                if (!Thread.currentThread().isInterrupted()) {
                    Console.progress(NAME, registered(agent) + " of " + NODES + " nodes registered");
                }
            }
        }, "sim-leases-progress");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String registered(NodeAgentHandle agent) {
        return agentMetric(agent, "berth_simulator_nodes_registered");
    }

    /** Lists the Leases (baselines), then watches from the list's resourceVersion, recording every renewTime. */
    private Disposable watch(GatewayClient client, LeaseRenewals renewals) {
        GatewayClient.Response list = GatewayClient.expect(200, client.get(LEASES)).block(Duration.ofSeconds(60));
        JsonNode tree = Json.tree(list.body());
        Instant now = Instant.now();
        for (JsonNode lease : tree.path("items")) {
            record(renewals, lease, now);
        }
        String rv = tree.path("metadata").path("resourceVersion").asString();
        LineSplitter splitter = new LineSplitter();
        return client.http().get().uri(LEASES + "?watch=true&allowWatchBookmarks=true&timeoutSeconds=900"
                        + "&resourceVersion=" + rv)
                .response((response, body) -> response.status().code() != 200
                        ? Mono.error(new IllegalStateException("watch answered HTTP " + response.status().code()))
                        : body.doOnNext(chunk -> receive(chunk, splitter, renewals)).then())
                .subscribe(ignored -> { }, e -> watchError.compareAndSet(null, OpenLoop.describe(e)),
                        () -> watchError.compareAndSet(null, "the watch ended"));
    }

    private void receive(ByteBuf chunk, LineSplitter splitter, LeaseRenewals renewals) {
        Instant now = Instant.now();
        byte[] bytes = new byte[chunk.readableBytes()];
        chunk.getBytes(chunk.readerIndex(), bytes);
        splitter.accept(bytes, 0, bytes.length, (line, from, length) -> {
            JsonNode event = Json.tree(Arrays.copyOfRange(line, from, from + length));
            String type = event.path("type").asString();
            if (type.equals("ERROR")) {
                watchError.compareAndSet(null, "watch error event: " + event.path("object").toString());
            } else if (!type.equals("BOOKMARK")) {
                record(renewals, event.path("object"), now);
            }
        });
    }

    private static void record(LeaseRenewals renewals, JsonNode lease, Instant receivedAt) {
        String name = lease.path("metadata").path("name").asString();
        String renewTime = lease.path("spec").path("renewTime").asString();
        if (name.startsWith(PREFIX) && !renewTime.isEmpty()) {
            try {
                renewals.observe(name, Instant.parse(renewTime), receivedAt);
            } catch (DateTimeParseException e) {
                // not a renewal we can place in time: leave it out rather than guess
            }
        }
    }

    private static List<Row> rows(LeaseRenewals.Report report, double registration, long rssKb, String agentLate,
                                  double agentP99Seconds) {
        long[] lags = report.gapLagNanos();
        List<Row> rows = new ArrayList<>();
        if (lags.length == 0) {
            rows.add(Row.failed(NAME, HEADLINE, "no renewal observed", "ms", GOAL));
            return rows;
        }
        long p99 = LeaseRenewals.Report.percentile(lags, 99);
        rows.add(Row.goal(NAME, HEADLINE, Table.millis(p99), "ms", GOAL, p99 <= GOAL_LAG.toNanos()));
        rows.add(Row.info(NAME, "Lease renewal lag p50", Table.millis(LeaseRenewals.Report.percentile(lags, 50)),
                "ms"));
        rows.add(Row.info(NAME, "Lease renewal lag max", Table.millis(lags[lags.length - 1]), "ms"));
        rows.add(Row.info(NAME, "late renewals (lag > 1 s) of " + report.renewals() + " observed",
                Integer.toString(LeaseRenewals.Report.above(lags, GOAL_LAG)), "renewals"));
        rows.add(Row.info(NAME, "late renewals counted by the agent since its start", agentLate, "renewals"));
        rows.add(Row.info(NAME, "agent: renewal turn to write acknowledged p99",
                Double.isNaN(agentP99Seconds) ? "unknown" : Table.number(agentP99Seconds * 1000), "ms"));
        long[] delivery = report.deliveryNanos();
        rows.add(Row.info(NAME, "renewTime to watch event p99",
                Table.millis(LeaseRenewals.Report.percentile(delivery, 99)), "ms"));
        rows.add(Row.info(NAME, "Leases never observed", Integer.toString(report.unseen().size()), "leases"));
        rows.add(Row.info(NAME, "registration: agent start to ready", Table.number(registration), "s"));
        rows.add(Row.info(NAME, "agent RSS (VmRSS, max during measurement)",
                rssKb > 0 ? Table.number(rssKb / 1024.0) : "unknown", "MiB"));
        return rows;
    }

    /** {@code VmRSS} of a process in kB, 0 when unreadable. */
    static long rssKb(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    /** An agent metric (summed over its series: every reason of the late renewals), as a whole number. */
    private static String agentMetric(NodeAgentHandle agent, String name) {
        double value = agentValue(agent, name + " ", name + "{");
        return Double.isNaN(value) ? "unknown" : String.format(Locale.ROOT, "%.0f", value);
    }

    /** The sum of the agent's Prometheus lines that start with one of {@code prefixes}; NaN when unreadable. */
    private static double agentValue(NodeAgentHandle agent, String... prefixes) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(agent.managementUrl() + "/actuator/prometheus"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return r.body().lines().filter(l -> Arrays.stream(prefixes).anyMatch(l::startsWith))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    /** The simulated Nodes and their Leases go, so that a later benchmark of this run does not carry them. */
    private static void cleanUp(GatewayClient client) {
        AtomicLong failed = new AtomicLong();
        for (String path : List.of("/api/v1/nodes?labelSelector=type%3Dberth-simulated", LEASES)) {
            client.send(HttpMethod.DELETE, path, null)
                    .doOnNext(r -> {
                        if (r.status() != 200) {
                            failed.incrementAndGet();
                        }
                    })
                    .onErrorResume(e -> Mono.empty()).block(Duration.ofMinutes(2));
        }
        if (failed.get() > 0) {
            Console.progress(NAME, "could not delete every simulated Node and Lease; they stay in the cluster");
        }
    }
}
