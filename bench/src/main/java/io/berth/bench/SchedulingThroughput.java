package io.berth.bench;

import io.berth.apimachinery.json.Json;
import io.berth.testkit.ClusterHarness;
import io.berth.testkit.SchedulerHandle;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Scheduling throughput as Kubernetes' scheduler_perf measures it, without kubelets: 5,000 Node objects written by
 * the admin, a scheduler-service replica started for the benchmark, 1,000 existing pods created and bound (not
 * measured; they also warm the scheduler up), then 10,000 measured pods created through the gateway at 64 concurrent
 * while one pod watch, opened before the first create, notes when each first shows a {@code spec.nodeName}. The
 * headline is measured pods bound per second from the first measured create to the last binding; next to it the
 * create rate (a run whose creates are slower than the goal is create-bound), the scheduler's own count of successful
 * attempts over the same window, create-to-bound p50 and p99, and the scheduler's CPU and memory.
 *
 * <ul>
 *   <li>{@code scheduling-basic} (scheduler_perf's SchedulingBasic, 5000Nodes): pod-default.yaml pods. Goal
 *       {@literal >=} 1,000 pods/s (Kubernetes' own gate is 270).</li>
 *   <li>{@code scheduling-spread} (like TopologySpreading): the Nodes in zones zone-0/1/2 round robin; the measured
 *       pods labelled {@code app=spread} with a zone {@code maxSkew: 1, DoNotSchedule} constraint. Goal
 *       {@literal >=} 300 pods/s (Kubernetes' gate 85), and the bound pods' spread over the zones (max - min)
 *       at most 1.</li>
 * </ul>
 *
 * <p>Waits are bounded: once no pod has been bound for {@value #STALL_SECONDS} s (or 5 minutes after the last create)
 * the benchmark stops waiting and reports what it measured, with the reason the rest were not bound (the pending pods'
 * PodScheduled message). Everything it made goes at the end, whatever happened: the scheduler, the pods, their
 * Events, the namespace, the Nodes (concurrently), and etcd's history of them (compacted), so that the benchmarks
 * after it in the run find the cluster as it was. {@code BERTH_BENCH_SCALE} scales the object counts.
 */
final class SchedulingThroughput implements Benchmark {

    static final String BASIC = "scheduling-basic";
    static final String SPREAD = "scheduling-spread";

    private static final int NODES = 5000;
    private static final int EXISTING = 1000;
    private static final int MEASURED = 10_000;
    private static final int CONCURRENCY = 64;
    private static final int STALL_SECONDS = 60;
    private static final Duration STALL = Duration.ofSeconds(STALL_SECONDS);
    private static final Duration BIND_DEADLINE = Duration.ofMinutes(5);
    private static final Duration BULK_DEADLINE = Duration.ofMinutes(5);
    private static final String EXISTING_PREFIX = "init-";
    private static final String MEASURED_PREFIX = "pod-";

    /**
     * One workload: its name, its goal in pods/s, whether the Nodes have zones, and the measured pods' spread
     * constraint ({@code whenUnsatisfiable}, null for none).
     */
    private record Workload(String name, double goal, boolean zoned, String whenUnsatisfiable) {
    }

    private final Workload workload;
    private final int nodes = scaled(NODES);
    private final int existing = scaled(EXISTING);
    private final int measured = scaled(MEASURED);

    private SchedulingThroughput(Workload workload) {
        this.workload = workload;
    }

    static SchedulingThroughput basic() {
        return new SchedulingThroughput(new Workload(BASIC, 1000, false, null));
    }

    static SchedulingThroughput spread() {
        return new SchedulingThroughput(new Workload(SPREAD, 300, true, "DoNotSchedule"));
    }

    @Override
    public String name() {
        return workload.name();
    }

    @Override
    public Row failed(String reason) {
        return Row.failed(name(), headline(), reason, "pods/s", goal());
    }

    private String headline() {
        return String.format(Locale.ROOT, "pods bound/s, first create to last binding: %d pods%s onto %d Nodes%s "
                        + "with %d existing pods, %d concurrent creates", measured,
                workload.whenUnsatisfiable() == null ? "" : " (zone spread, maxSkew 1, "
                        + workload.whenUnsatisfiable() + ")", nodes,
                workload.zoned() ? " in " + SchedulerPerfTemplates.ZONES + " zones" : "", existing, CONCURRENCY);
    }

    private String goal() {
        return ">= " + Table.number(workload.goal()) + " pods/s";
    }

    private String namespace() {
        return "bench-" + name();
    }

    /** The scheduler's name (the pods' {@code schedulerName}), its Lease's name and its holder identity. */
    private String schedulerName() {
        return "bench-" + name();
    }

    private String nodePrefix() {
        return name() + "-node-";
    }

    @Override
    public List<Row> run(ClusterHarness cluster) throws Exception {
        try (GatewayClient api = new GatewayClient(cluster, name(), CONCURRENCY, 2, Duration.ofSeconds(60));
             GatewayClient watchClient = new GatewayClient(cluster, name() + "-watch", 1, 1, Duration.ofMinutes(10))) {
            try {
                return measure(cluster, api, watchClient);
            } finally {
                List<String> pods = podNames(EXISTING_PREFIX, existing);
                pods.addAll(podNames(MEASURED_PREFIX, measured));
                new SchedulingCleanup(name(), api, CONCURRENCY).run(cluster, namespace(), pods, nodePrefix(), nodes,
                        schedulerName());
            }
        }
    }

    private List<Row> measure(ClusterHarness cluster, GatewayClient api, GatewayClient watchClient) {
        Console.progress(name(), "creating " + nodes + " Nodes" + (workload.zoned() ? " in "
                + SchedulerPerfTemplates.ZONES + " zones" : ""));
        Instant now = Instant.now();
        Bulk.Result created = Bulk.run(nodes, CONCURRENCY, BULK_DEADLINE, i -> GatewayClient.expect(201,
                api.post("/api/v1/nodes", SchedulerPerfTemplates.node(nodePrefix(), i, name(), workload.zoned(),
                        now))));
        Console.progress(name(), "Nodes created: " + created.describe());
        if (created.failed() > 0) {
            return List.of(failed("only " + created.succeeded() + " of " + nodes + " Nodes were created: "
                    + created.firstError()));
        }
        Pods.createNamespace(api, namespace());
        Console.progress(name(), "starting scheduler " + schedulerName());
        SchedulerHandle scheduler = cluster.startScheduler(schedulerName(), Map.of(
                "berth.scheduler.scheduler-name", schedulerName(),
                "berth.scheduler.leader-election.name", schedulerName()));
        try (SchedulerProbe probe = SchedulerProbe.start(scheduler)) {
            BindingWatch.Group init = new BindingWatch.Group(EXISTING_PREFIX, existing);
            BindingWatch.Group pods = new BindingWatch.Group(MEASURED_PREFIX, measured);
            try (BindingWatch watch = BindingWatch.open(watchClient, namespace(), List.of(init, pods))) {
                Console.progress(name(), "creating " + existing + " existing pods (not measured)");
                AtomicLongArray initAcks = new AtomicLongArray(existing);
                Bulk.Result initCreates = create(api, EXISTING_PREFIX, existing, null, new AtomicLongArray(existing),
                        initAcks);
                Console.progress(name(), "existing pods created: " + initCreates.describe());
                String stopped = await(init, initCreates.succeeded(), watch);
                if (stopped != null || initCreates.failed() > 0) {
                    return List.of(failed("only " + init.bound() + " of " + existing + " existing pods bound ("
                            + (stopped != null ? stopped : initCreates.failed() + " creates failed: "
                            + initCreates.firstError()) + ")" + why(api, EXISTING_PREFIX, init, initAcks)));
                }
                Clusters.settle(name() + "'s existing pods");

                Console.progress(name(), "measuring: " + measured + " pods at " + CONCURRENCY + " concurrent");
                SchedulerProbe.Attempts attemptsBefore = probe.attempts();
                Procs.Cpu cpuBefore = probe.cpu();
                CpuUsage cpu = CpuUsage.take();
                AtomicLongArray sent = new AtomicLongArray(measured);
                AtomicLongArray acks = new AtomicLongArray(measured);
                Bulk.Result creates = create(api, MEASURED_PREFIX, measured, workload.whenUnsatisfiable(), sent,
                        acks);
                Console.progress(name(), "measured pods created: " + creates.describe() + "; " + pods.bound()
                        + " bound so far");
                String stoppedWaiting = await(pods, creates.succeeded(), watch);
                long end = System.nanoTime();
                Console.progress(name(), CpuUsage.take().since(cpu, pods.bound(), "pod"));
                Console.progress(name(), "the pod watch delivered " + watch.lines() + " lines and was resumed "
                        + watch.resumes() + " times" + (watch.error() == null ? "" : "; it failed: " + watch.error()));
                Measurement m = new Measurement(creates, sent, acks, pods, stoppedWaiting,
                        stoppedWaiting == null ? "" : why(api, MEASURED_PREFIX, pods, acks),
                        probe.attempts().minus(attemptsBefore), probe.cpu().minus(cpuBefore), probe.maxRssKb(),
                        (end - creates.startedNanos()) / 1e9, watch.resumes());
                return rows(m);
            }
        } finally {
            Console.progress(name(), "stopping scheduler " + schedulerName());
            scheduler.close();
        }
    }

    /** What the measured phase saw. {@code stopped}: why the wait ended early, or null. */
    private record Measurement(Bulk.Result creates, AtomicLongArray sent, AtomicLongArray acks,
                               BindingWatch.Group pods, String stopped, String why,
                               SchedulerProbe.Attempts attempts, Procs.Cpu schedulerCpu, long schedulerRssKb,
                               double windowSeconds, int watchResumes) {
    }

    /** Creates pods {@code <prefix>0..n-1}, noting when each create was sent and when its 201 came. */
    private Bulk.Result create(GatewayClient api, String prefix, int n, String whenUnsatisfiable,
                               AtomicLongArray sent, AtomicLongArray acks) {
        String path = Pods.podsPath(namespace());
        return Bulk.run(n, CONCURRENCY, BULK_DEADLINE, i -> Mono.defer(() -> {
            byte[] pod = SchedulerPerfTemplates.pod(prefix + i, schedulerName(), whenUnsatisfiable);
            sent.set(i, System.nanoTime());
            return GatewayClient.expect(201, api.post(path, pod)).doOnNext(r -> acks.set(i, System.nanoTime()));
        }));
    }

    /**
     * Waits until {@code expected} pods of the group are bound. Returns null when they are, else why it stopped: the
     * watch failed, no binding for {@link #STALL}, or {@link #BIND_DEADLINE} passed. Reports progress every 10 s.
     */
    private String await(BindingWatch.Group group, int expected, BindingWatch watch) {
        long start = System.nanoTime();
        long deadline = start + BIND_DEADLINE.toNanos();
        long lastChange = start;
        long lastReport = start;
        int seen = group.bound();
        while (group.bound() < expected) {
            long now = System.nanoTime();
            if (watch.error() != null) {
                return "the pod watch failed: " + watch.error();
            }
            int bound = group.bound();
            if (bound != seen) {
                seen = bound;
                lastChange = now;
            } else if (now - lastChange > STALL.toNanos()) {
                return "no pod bound for " + STALL.toSeconds() + " s";
            }
            if (now > deadline) {
                return "not all bound " + BIND_DEADLINE.toMinutes() + " min after the last create";
            }
            if (now - lastReport > Duration.ofSeconds(10).toNanos()) {
                lastReport = now;
                Console.progress(name(), bound + " of " + expected + " bound");
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        return null;
    }

    /**
     * Why pods were not seen bound: how many of them the API lists bound (more than the watch saw means the watch
     * lost or held back events), and the first one's PodScheduled message ("; the API lists 7376 bound; e.g. pod-7:
     * ..."), or "" when every created pod was seen bound.
     */
    private String why(GatewayClient api, String prefix, BindingWatch.Group group, AtomicLongArray acks) {
        return listedBound(api, prefix) + example(api, prefix, group, acks);
    }

    /** "; the API lists N of them bound", from a list of the namespace's pods. */
    private String listedBound(GatewayClient api, String prefix) {
        try {
            int[] bound = {0};
            api.forEachItem(Pods.podsPath(namespace()), pod -> {
                if (pod.path("metadata").path("name").asString("").startsWith(prefix)
                        && !pod.path("spec").path("nodeName").asString("").isEmpty()) {
                    bound[0]++;
                }
            });
            return "; the API lists " + bound[0] + " bound";
        } catch (RuntimeException e) {
            return "; the pods could not be listed: " + BenchMain.reason(e);
        }
    }

    private String example(GatewayClient api, String prefix, BindingWatch.Group group, AtomicLongArray acks) {
        for (int i = 0; i < group.size(); i++) {
            if (acks.get(i) != 0 && group.boundAt(i) == 0) {
                String name = prefix + i;
                try {
                    JsonNode pod = Json.tree(GatewayClient.expect(200, api.get(Pods.podPath(namespace(), name)))
                            .block(Duration.ofSeconds(30)).body());
                    String node = pod.path("spec").path("nodeName").asString("");
                    if (!node.isEmpty()) {
                        return "; e.g. " + name + " is bound to " + node + " but the watch did not show it";
                    }
                    for (JsonNode c : pod.path("status").path("conditions")) {
                        if (c.path("type").asString("").equals("PodScheduled")) {
                            return "; e.g. " + name + ": " + c.path("message").asString(c.toString());
                        }
                    }
                    return "; e.g. " + name + ": no PodScheduled condition yet";
                } catch (RuntimeException e) {
                    return "; " + name + " unreadable: " + BenchMain.reason(e);
                }
            }
        }
        return "";
    }

    private List<Row> rows(Measurement m) {
        List<Row> rows = new ArrayList<>();
        BindingWatch.Group pods = m.pods();
        Latencies latencies = new Latencies();
        long first = Long.MAX_VALUE;
        long last = 0;
        long[] zones = new long[SchedulerPerfTemplates.ZONES];
        for (int i = 0; i < measured; i++) {
            long sent = m.sent().get(i);
            if (sent != 0) {
                first = Math.min(first, sent);
            }
            if (m.acks().get(i) == 0) {
                continue;  // the create failed: nothing to bind
            }
            long bound = pods.boundAt(i);
            if (bound == 0) {
                latencies.recordLost();
                continue;
            }
            last = Math.max(last, bound);
            latencies.record(Math.max(0, bound - sent));
            int zone = SchedulerPerfTemplates.zoneOf(nodePrefix(), pods.node(i));
            if (zone >= 0) {
                zones[zone]++;
            }
        }
        int bound = pods.bound();
        double perSecond = bound == 0 || last <= first ? 0 : bound * 1e9 / (last - first);
        if (m.stopped() == null) {
            rows.add(Row.goal(name(), headline(), Table.number(perSecond), "pods/s", goal(),
                    perSecond >= workload.goal()));
        } else {
            rows.add(Row.failed(name(), headline(), (bound == 0 ? "0" : Table.number(perSecond)
                    + " over the bound ones") + "; " + bound + " of " + m.creates().succeeded() + " bound, "
                    + m.stopped() + m.why(), "pods/s", goal()));
        }
        rows.add(Row.info(name(), "pod creates/s through the gateway (admin, " + CONCURRENCY + " concurrent)",
                Table.number(m.creates().perSecond()), "creates/s"));
        SchedulerProbe.Attempts a = m.attempts();
        rows.add(Row.info(name(), "scheduler's own count: scheduler_schedule_attempts_total{result=scheduled} per "
                        + "second of the window (unschedulable: " + count(a.unschedulable()) + ", error: "
                        + count(a.error()) + ")",
                Double.isNaN(a.scheduled()) ? "unknown" : Table.number(a.scheduled() / m.windowSeconds()),
                "attempts/s"));
        rows.add(Row.info(name(), "scheduler's own e2e latency, mean (scheduler_e2e_scheduling_duration_seconds: "
                + "first attempt to binding)", Double.isNaN(a.e2eMean()) ? "unknown"
                : Table.number(a.e2eMean() * 1000), "ms"));
        if (latencies.count() > 0) {
            rows.add(Row.info(name(), "create to bound in the watch p50", Table.millis(latencies.percentile(50)),
                    "ms"));
            rows.add(Row.info(name(), "create to bound in the watch p99", Table.millis(latencies.percentile(99)),
                    "ms"));
        }
        rows.add(Row.info(name(), String.format(Locale.ROOT, "scheduler CPU over the %.0f s window (JVM flags \"%s\")",
                m.windowSeconds(), Clusters.jvmOpts()), Table.number(m.schedulerCpu().ownSeconds()), "s"));
        rows.add(Row.info(name(), "scheduler RSS (VmRSS, max)", m.schedulerRssKb() > 0
                ? Table.number(m.schedulerRssKb() / 1024.0) : "unknown", "MiB"));
        if (workload.zoned()) {
            long max = Math.max(zones[0], Math.max(zones[1], zones[2]));
            long min = Math.min(zones[0], Math.min(zones[1], zones[2]));
            rows.add(Row.goal(name(), "bound measured pods per zone, max - min (zone-0/1/2: " + zones[0] + "/"
                    + zones[1] + "/" + zones[2] + ")", Long.toString(max - min), "pods", "<= 1",
                    bound > 0 && max - min <= 1));
        }
        if (m.watchResumes() > 0) {
            rows.add(Row.info(name(), "times the pod watch ended and was resumed from its last resourceVersion",
                    Integer.toString(m.watchResumes()), "watches"));
        }
        if (m.creates().failed() > 0) {
            rows.add(Row.goal(name(), "failed creates (first: " + m.creates().firstError() + ")",
                    Integer.toString(m.creates().failed()), "requests", "0", false));
        }
        return rows;
    }

    private static String count(double value) {
        return Double.isNaN(value) ? "unknown" : String.format(Locale.ROOT, "%.0f", value);
    }

    private static List<String> podNames(String prefix, int n) {
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(prefix + i);
        }
        return names;
    }

    /** {@code n} times {@code BERTH_BENCH_SCALE}, at least {@link SchedulerPerfTemplates#ZONES}. */
    private static int scaled(int n) {
        return (int) Math.max(SchedulerPerfTemplates.ZONES, Math.round(n * Console.scale()));
    }
}
