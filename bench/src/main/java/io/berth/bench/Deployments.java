package io.berth.bench;

import io.berth.testkit.ClusterHarness;
import io.berth.testkit.ControllerHandle;
import io.berth.testkit.NodeAgentHandle;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Deployments end to end, as KWOK's CI measures a control plane: 1,000 Deployments of 10 replicas each on 5,000
 * simulated nodes, timed until all 10,000 pods are Running and every Deployment reports itself Available. Everything
 * between the client and the (simulated) kubelets takes part: the gateway and the api-service, the controller manager
 * (Deployment controller, then ReplicaSet controller creating the pods), the scheduler, and one node agent simulating
 * the 5,000 nodes ({@code berth.node.simulate.*}, Running and Ready at once).
 *
 * <p>Set-up, not measured: the simulator registers its nodes (they carry the taint
 * {@code berth.io/simulated=true:NoSchedule}, which the pods tolerate; the pods request 10m cpu and 16Mi, so capacity
 * never counts), then a scheduler for the benchmark's {@code schedulerName} and a controller manager start, both
 * without leader election. Two watches open on the namespace ({@link RolloutWatch}), and 100 Deployments are rolled
 * out and left running as a warm-up (the controllers' and the scheduler's code compiled, as scheduler_perf's existing
 * pods do).
 *
 * <p>Measured: 1,000 Deployments ({@code deploy-<i>}, each its own {@code app} label) created through the gateway at
 * {@value #CONCURRENCY} concurrent. The headline is pods Running per second from the first create to the moment every
 * pod is Running and every Deployment is complete, goal {@literal >=} 500 pods/s against KWOK's gate of 10,000 pods
 * Running in 60 s (167 pods/s) as the baseline. Next to it: both times (every pod Running, every Deployment
 * Available), Deployment creates per second, create to all of a Deployment's pods Running (p50, p99) and to its
 * Available (p99), and the CPU per pod of each process of the cluster ({@link CpuUsage}).
 *
 * <p>Waits are bounded: once neither a pod nor a Deployment progressed for {@value #STALL_SECONDS} s (or 10 minutes
 * after the last create) the benchmark stops waiting and reports what it reached and why the rest did not (pods
 * unscheduled or not started, ReplicaSets missing, a Deployment's conditions, the controller manager's log).
 * Everything it made goes at the end, whatever happened: the controller manager, the scheduler and the simulator
 * stop first (nothing recreates what is deleted), then the Deployments, ReplicaSets and pods (with the controller
 * manager stopped no garbage collector propagates a delete, so each kind is deleted itself), their Events, the namespace, the Nodes and their
 * Leases, and etcd's history of them is compacted ({@link SchedulingCleanup}). {@code BERTH_BENCH_SCALE} scales the
 * numbers of nodes and Deployments (not the 10 replicas).
 */
final class Deployments implements Benchmark {

    static final String NAME = "deployments";

    private static final int NODES = 5000;
    private static final int DEPLOYMENTS = 1000;
    private static final int WARMUP_DEPLOYMENTS = 100;
    private static final int REPLICAS = 10;
    private static final int CONCURRENCY = 32;
    private static final int CLEANUP_CONCURRENCY = 64;
    private static final double GOAL = 500;
    /** KWOK's CI gate: 10,000 pods Running within 60 s. */
    private static final double KWOK_GATE = 10_000 / 60.0;
    private static final int STALL_SECONDS = 60;
    private static final Duration STALL = Duration.ofSeconds(STALL_SECONDS);
    private static final Duration DEADLINE = Duration.ofMinutes(10);
    private static final Duration BULK_DEADLINE = Duration.ofMinutes(5);
    private static final Duration REGISTRATION_DEADLINE = Duration.ofMinutes(10);
    private static final String MEASURED_PREFIX = "deploy-";
    private static final String WARMUP_PREFIX = "warm-";
    private static final String NAMESPACE = "bench-deployments";
    /** The scheduler's name, the pods' {@code schedulerName}, and the controller manager's and simulator's names. */
    private static final String COMPONENT = "bench-deployments";
    private static final String NODE_PREFIX = "deployments-node-";
    private static final String NODE_LEASES = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/";

    private final int nodes = scaled(NODES);
    private final int deployments = scaled(DEPLOYMENTS);
    private final int warmups = scaled(WARMUP_DEPLOYMENTS);
    /** What was started, to stop in reverse order whatever happens. */
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private ControllerHandle controller;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Row failed(String reason) {
        return Row.failed(NAME, headline(), reason, "pods/s", goal());
    }

    private String headline() {
        return String.format(Locale.ROOT, "pods Running/s, first create to every pod Running and every Deployment "
                        + "Available: %d Deployments x %d replicas on %d simulated nodes, %d concurrent creates",
                deployments, REPLICAS, nodes, CONCURRENCY);
    }

    private static String goal() {
        return ">= " + Table.number(GOAL) + " pods/s";
    }

    @Override
    public List<Row> run(ClusterHarness cluster) throws Exception {
        try (GatewayClient api = new GatewayClient(cluster, NAME, CLEANUP_CONCURRENCY, 2, Duration.ofSeconds(60));
             GatewayClient watchClient = new GatewayClient(cluster, NAME + "-watch", 2, 1, Duration.ofMinutes(10))) {
            try {
                return measure(cluster, api, watchClient);
            } finally {
                stopAll();
                cleanUp(cluster, api);
            }
        }
    }

    private List<Row> measure(ClusterHarness cluster, GatewayClient api, GatewayClient watchClient) {
        Pods.createNamespace(api, NAMESPACE);
        Console.progress(NAME, "starting a node agent simulating " + nodes + " nodes");
        long registering = System.nanoTime();
        NodeAgentHandle simulator = cluster.nodeAgent(COMPONENT, Map.of(
                "berth.node.simulate.count", Integer.toString(nodes),
                "berth.node.simulate.name-prefix", NODE_PREFIX,
                "berth.node.simulate.token-file", cluster.simulatorTokenFile().toString(),
                "berth.node.simulate.start-delay", "0s",
                "berth.node.simulate.ready-delay", "0s",
                // the kubelet's nodeStatusReportFrequency: with Leases on, a status nobody changed is written every
                // 5 minutes, not every minute (simulated-leases)
                "berth.node.status-update-interval", "5m"), REGISTRATION_DEADLINE);
        started.push(simulator);
        simulator.start();
        Console.progress(NAME, String.format(Locale.ROOT, "%d nodes registered in %.1f s", nodes,
                (System.nanoTime() - registering) / 1e9));
        Console.progress(NAME, "starting scheduler and controller manager " + COMPONENT);
        started.push(cluster.startScheduler(COMPONENT, Map.of(
                "berth.scheduler.scheduler-name", COMPONENT,
                "berth.scheduler.leader-election.enabled", "false")));
        controller = cluster.startController(COMPONENT, Map.of(
                "berth.controller.leader-election.enabled", "false"));
        started.push(controller);

        Rollouts warm = new Rollouts(WARMUP_PREFIX, warmups, REPLICAS);
        Rollouts measured = new Rollouts(MEASURED_PREFIX, deployments, REPLICAS);
        try (RolloutWatch watch = RolloutWatch.open(watchClient, NAMESPACE, List.of(warm, measured))) {
            Console.progress(NAME, "warming up: " + warmups + " Deployments (" + warm.pods() + " pods, left running)");
            Creates warmCreates = create(api, warm);
            Console.progress(NAME, "warm-up Deployments created: " + warmCreates.result().describe());
            String stopped = await(warm, watch);
            if (stopped != null || warmCreates.result().failed() > 0) {
                return List.of(failed("warm-up: " + reached(warm) + " (" + (stopped != null ? stopped
                        : warmCreates.result().failed() + " creates failed: " + warmCreates.result().firstError())
                        + ")" + RolloutDiagnosis.why(api, NAMESPACE, WARMUP_PREFIX, controller)));
            }
            Clusters.settle(NAME + "'s warm-up");

            Console.progress(NAME, "measuring: " + deployments + " Deployments x " + REPLICAS + " replicas at "
                    + CONCURRENCY + " concurrent");
            CpuUsage cpuBefore = CpuUsage.take();
            Creates creates = create(api, measured);
            Console.progress(NAME, "Deployments created: " + creates.result().describe() + "; "
                    + measured.podsRunning() + " pods Running so far");
            String stoppedWaiting = await(measured, watch);
            CpuUsage cpuAfter = CpuUsage.take();
            Console.progress(NAME, cpuAfter.since(cpuBefore, measured.podsRunning(), "pod"));
            Console.progress(NAME, watch.describe());
            Console.progress(NAME, RolloutDiagnosis.log("controller manager", controller.logFile()));
            String why = stoppedWaiting == null ? ""
                    : RolloutDiagnosis.why(api, NAMESPACE, MEASURED_PREFIX, controller);
            return rows(new Measurement(creates, measured, stoppedWaiting, why, cpuAfter.secondsSince(cpuBefore),
                    (System.nanoTime() - creates.result().startedNanos()) / 1e9, watch.resumes()));
        }
    }

    /** When each Deployment's create was sent and when its 201 came (0: not sent, failed). */
    private record Creates(Bulk.Result result, AtomicLongArray sent, AtomicLongArray acks) {
    }

    /** What the measured phase saw. {@code stopped}: why the wait ended early, or null. */
    private record Measurement(Creates creates, Rollouts rollouts, String stopped, String why,
                               Map<String, Double> cpuSeconds, double windowSeconds, int watchResumes) {
    }

    /** Creates the Deployments of {@code rollouts}, noting when each create was sent and acknowledged. */
    private Creates create(GatewayClient api, Rollouts rollouts) {
        int n = rollouts.deployments();
        AtomicLongArray sent = new AtomicLongArray(n);
        AtomicLongArray acks = new AtomicLongArray(n);
        String path = RolloutWatch.deploymentsPath(NAMESPACE);
        Bulk.Result result = Bulk.run(n, CONCURRENCY, BULK_DEADLINE, i -> Mono.defer(() -> {
            byte[] deployment = deployment(rollouts.name(i), rollouts.replicas(), COMPONENT);
            sent.set(i, System.nanoTime());
            return GatewayClient.expect(201, api.post(path, deployment)).doOnNext(r -> acks.set(i, System.nanoTime()));
        }));
        return new Creates(result, sent, acks);
    }

    /**
     * A Deployment of {@code replicas} pods labelled {@code app=<name>} for {@code scheduler}, tolerating the
     * simulated nodes' taint, requesting little.
     */
    static byte[] deployment(String name, int replicas, String scheduler) {
        String labels = "{\"app\":\"" + name + "\"}";
        return ("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" + name + "\","
                + "\"labels\":" + labels + "},"
                + "\"spec\":{\"replicas\":" + replicas + ",\"selector\":{\"matchLabels\":" + labels + "},"
                + "\"template\":{\"metadata\":{\"labels\":" + labels + "},"
                + "\"spec\":{\"schedulerName\":\"" + scheduler + "\","
                + "\"tolerations\":[{\"key\":\"berth.io/simulated\",\"operator\":\"Equal\",\"value\":\"true\","
                + "\"effect\":\"NoSchedule\"}],"
                + "\"containers\":[{\"name\":\"app\",\"image\":\"registry.local/bench/app:1.0\","
                + "\"resources\":{\"requests\":{\"cpu\":\"10m\",\"memory\":\"16Mi\"}}}]}}}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Waits until every pod of {@code rollouts} is Running and every Deployment complete. Returns null when they are,
     * else why it stopped: a watch failed, nothing progressed for {@link #STALL}, or {@link #DEADLINE} passed.
     * Reports progress every 10 s.
     */
    private String await(Rollouts rollouts, RolloutWatch watch) {
        long start = System.nanoTime();
        long lastChange = start;
        long lastReport = start;
        int seen = progress(rollouts);
        while (!rollouts.done()) {
            long now = System.nanoTime();
            if (watch.error() != null) {
                return "a watch failed: " + watch.error();
            }
            int progress = progress(rollouts);
            if (progress != seen) {
                seen = progress;
                lastChange = now;
            } else if (now - lastChange > STALL.toNanos()) {
                return "nothing progressed for " + STALL_SECONDS + " s";
            }
            if (now - start > DEADLINE.toNanos()) {
                return "not done " + DEADLINE.toMinutes() + " min after the last create";
            }
            if (now - lastReport > Duration.ofSeconds(10).toNanos()) {
                lastReport = now;
                Console.progress(NAME, reached(rollouts));
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        return null;
    }

    private static int progress(Rollouts rollouts) {
        return rollouts.podsRunning() + rollouts.available();
    }

    /** e.g. {@code 9870 of 10000 pods Running, 987 of 1000 Deployments Available}. */
    private static String reached(Rollouts r) {
        return r.podsRunning() + " of " + r.pods() + " pods Running, " + r.available() + " of " + r.deployments()
                + " Deployments Available";
    }

    private List<Row> rows(Measurement m) {
        List<Row> rows = new ArrayList<>();
        Rollouts r = m.rollouts();
        Creates c = m.creates();
        RolloutFigures f = RolloutFigures.of(r, c.sent(), c.acks());
        String baseline = Table.number(KWOK_GATE) + " (KWOK's gate: 10000 pods Running in 60 s)";
        if (m.stopped() == null) {
            rows.add(new Row(NAME, headline(), Table.number(f.podsPerSecond()), "pods/s", baseline,
                    Table.number(f.podsPerSecond() / KWOK_GATE), goal(), f.podsPerSecond() >= GOAL ? "yes" : "no"));
        } else {
            rows.add(Row.failed(NAME, headline(), Table.number(f.runningPerSecond()) + " over the pods Running; "
                    + reached(r) + ", " + m.stopped() + m.why(), "pods/s", goal()));
        }
        rows.add(Row.info(NAME, "first create to every pod Running (" + r.podsRunning() + " of " + r.pods() + ")",
                seconds(f.allRunningNanos()), "s"));
        rows.add(Row.info(NAME, "first create to every Deployment Available (" + r.available() + " of "
                + r.deployments() + ")", seconds(f.allAvailableNanos()), "s"));
        rows.add(Row.info(NAME, "Deployment creates/s through the gateway (admin, " + CONCURRENCY + " concurrent)",
                Table.number(c.result().perSecond()), "creates/s"));
        Latencies running = f.createToAllRunning();
        if (running.count() > 0) {
            for (int p : new int[] {50, 99}) {
                rows.add(Row.info(NAME, "create to all " + REPLICAS + " pods of a Deployment Running, p" + p,
                        Table.millis(running.percentile(p)), "ms"));
            }
        }
        Latencies available = f.createToAvailable();
        if (available.count() > 0) {
            rows.add(Row.info(NAME, "create to a Deployment Available, p99", Table.millis(available.percentile(99)),
                    "ms"));
        }
        int pods = Math.max(1, r.podsRunning());
        // the services' JVM flags are in the environment note above the table
        m.cpuSeconds().forEach((process, seconds) -> rows.add(Row.info(NAME, String.format(Locale.ROOT,
                "CPU per pod Running: %s (%.1f s over the %.0f s window)", process, seconds, m.windowSeconds()),
                Table.number(seconds * 1000 / pods), "ms")));
        if (m.watchResumes() > 0) {
            rows.add(Row.info(NAME, "times a watch ended and was resumed from its last resourceVersion",
                    Integer.toString(m.watchResumes()), "watches"));
        }
        if (c.result().failed() > 0) {
            rows.add(Row.goal(NAME, "failed creates (first: " + c.result().firstError() + ")",
                    Integer.toString(c.result().failed()), "requests", "0", false));
        }
        return rows;
    }

    private static String seconds(long nanos) {
        return nanos <= 0 ? "not reached" : Table.number(nanos / 1e9);
    }

    /** Stops the controller manager, the scheduler and the simulator, in that order (the reverse of their start). */
    private void stopAll() {
        while (!started.isEmpty()) {
            AutoCloseable c = started.pop();
            try {
                c.close();
            } catch (Exception e) {
                Console.progress(NAME, "could not stop the " + c.getClass().getSimpleName() + ": "
                        + BenchMain.reason(e));
            }
        }
    }

    private void cleanUp(ClusterHarness cluster, GatewayClient api) {
        Console.progress(NAME, "cleaning up: Deployments, ReplicaSets, pods, Events, namespace " + NAMESPACE + ", "
                + nodes + " Nodes and their Leases");
        SchedulingCleanup cleanup = new SchedulingCleanup(NAME, api, CLEANUP_CONCURRENCY);
        String ns = "/namespaces/" + NAMESPACE;
        cleanup.deleteListed("Deployments deleted", RolloutWatch.deploymentsPath(NAMESPACE), "");
        cleanup.deleteListed("ReplicaSets deleted", "/apis/apps/v1" + ns + "/replicasets", "");
        cleanup.deleteListed("pods deleted", Pods.podsPath(NAMESPACE), "?gracePeriodSeconds=0");
        cleanup.deleteListed("Events deleted", "/api/v1" + ns + "/events", "");
        cleanup.deleteNamed("namespace deleted", 1, i -> "/api/v1" + ns);
        cleanup.deleteNamed("Nodes deleted", nodes, i -> "/api/v1/nodes/" + NODE_PREFIX + i);
        cleanup.deleteNamed("node Leases deleted", nodes, i -> NODE_LEASES + NODE_PREFIX + i);
        cleanup.compact(cluster);
    }

    /** {@code n} times {@code BERTH_BENCH_SCALE}, at least 1. */
    private static int scaled(int n) {
        return (int) Math.max(1, Math.round(n * Console.scale()));
    }
}
