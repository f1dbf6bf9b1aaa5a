package io.berth.bench;

import io.berth.testkit.ClusterHarness;
import io.berth.testkit.NodeAgentHandle;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Pod startup on one real node: 100 pods ({@code image: host}, {@code sleep 3600}) created at 5 a second through the
 * gateway, each timed from just before its create to the first watch event that shows it Running (Kubernetes' pod
 * startup SLO, whose goal is p99 <= 5 s; ours is 1 s). Then, with the 100 pods running, the node agent's resident
 * memory (goal 256 MiB) and its conmons', and the CPU the agent spent from the first create to the last Running.
 * The same 100 pods on a simulated node (no runtime: the agent writes Running at once) are the baseline: what the
 * API round trips alone cost on this machine. The baseline runs first, so that the services have compiled their pod
 * paths (create, status, watch) before the real node's pods arrive, as in a cluster that has been running.
 *
 * <p>Each node first starts 10 pods and deletes them, so that the figures are those of a running agent, not of its
 * first minute's JIT compilation. Every pod is deleted at the end (grace period 0) and the benchmark waits until the
 * agent has removed their containers and sandboxes; sandboxes the agent leaves behind are a row of their own (goal
 * 0), and the real node then removes whatever is left ({@link BenchNode#close}). The real node's agent runs with the
 * JVM flags {@code bin/berth up} gives it ({@link ClusterHarness#REAL_NODE_JVM}), which the RSS row names. Where the
 * time goes is on the progress log ({@link StartupStages}). Needs root: elsewhere it prints its rows with the reason.
 */
final class PodStartup implements Benchmark {

    static final String NAME = "pod-startup";
    private static final int PODS = 100;
    private static final int WARMUP_PODS = 10;
    private static final double PER_SECOND = 5;
    private static final String NAMESPACE = "bench-startup";
    private static final String SIM_NAMESPACE = "bench-startup-sim";
    private static final String SIM_AGENT = "bench-startup-sim";
    private static final String SIM_PREFIX = "bench-startup-sim-";
    private static final Duration RUNNING_DEADLINE = Duration.ofMinutes(3);
    private static final Duration CLEANUP_DEADLINE = Duration.ofMinutes(3);
    /** How long the number of sandboxes may stay the same before the agent is taken to have given up on them. */
    private static final Duration SANDBOX_PATIENCE = Duration.ofSeconds(15);
    private static final Duration GOAL_P99 = Duration.ofSeconds(1);
    private static final long GOAL_RSS_KB = 256 * 1024;
    private static final String GOAL = "p99 <= 1 s";
    private static final String RSS_GOAL = "<= 256 MiB";
    private static final String HEADLINE = "pod startup p99, create to Running in a watch: 100 pods at 5/s on one "
            + "real node, image host";
    private static final String RSS_FIGURE = "node agent RSS (VmRSS) with 100 pods running";

    /** What the real node's run measured. */
    private record Real(PodStartups.Result result, Procs.Cpu cpu, long agentRssKb, long conmonRssKb, int conmons,
                        BenchNode.Leftovers left) {
    }

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
        String why = BenchNode.whyNot();
        if (why != null) {
            return List.of(failed(why), Row.failed(NAME, RSS_FIGURE, why, "MiB", RSS_GOAL));
        }
        try (KubernetesClient client = client(cluster)) {
            // the baseline first: its pods also take the services' pod paths through the JIT before the real node
            PodStartups.Result simulated = null;
            String simulatedError = null;
            try {
                simulated = simulated(cluster, client);
            } catch (RuntimeException e) {
                Console.progress(NAME, "the simulated baseline failed: " + BenchMain.reason(e));
                simulatedError = BenchMain.reason(e);
            }
            Real real;
            try (BenchNode node = BenchNode.start(cluster, client)) {
                real = real(cluster, client, node);
            }
            return rows(real, simulated, simulatedError);
        }
    }

    private static Real real(ClusterHarness cluster, KubernetesClient client, BenchNode node) {
        PodStartups.namespace(client, NAMESPACE);
        warmUp(client, NAMESPACE, node.name());
        BenchNode.Leftovers warm = node.awaitNoPods(CLEANUP_DEADLINE, SANDBOX_PATIENCE);
        if (!warm.containers().isEmpty()) {
            throw new IllegalStateException("the warm-up pods' containers are still there: " + warm.containers());
        }
        CpuUsage.settle(Duration.ofSeconds(15));

        Console.progress(NAME, "creating " + PODS + " pods at " + Table.number(PER_SECOND) + "/s on " + node.name());
        long pid = node.agent().pid();
        Procs.Cpu before = Procs.cpu(pid);
        CpuUsage cpu = CpuUsage.take();
        ApiRequests requests = ApiRequests.read(cluster.apiServiceManagementUrls());
        PodStartups.Result result = PodStartups.run(client, NAMESPACE, node.name(), "pod-", PODS, PER_SECOND,
                RUNNING_DEADLINE);
        Procs.Cpu used = Procs.cpu(pid).minus(before);
        Console.progress(NAME, CpuUsage.take().since(cpu, result.running().size(), "pod"));
        ApiRequests.read(cluster.apiServiceManagementUrls()).since(requests)
                .describePer(result.running().size(), "pod").forEach(l -> Console.progress(NAME, l));
        Console.progress(NAME, describe("real node", result));

        // the 100 pods keep running: the agent's memory with them, the most of a few readings
        long agentRss = 0;
        for (int i = 0; i < 5; i++) {
            agentRss = Math.max(agentRss, Procs.rssKb(pid));
            LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
        }
        List<Long> conmons = Procs.find("conmon", node::owns);
        long conmonRss = conmons.stream().mapToLong(Procs::rssKb).sum();
        Console.progress(NAME, String.format(Locale.ROOT, "agent RSS %.0f MiB; %d conmons, %.1f MiB in all; agent "
                        + "CPU %.1f s (JVM) + %.1f s (its commands)", agentRss / 1024.0, conmons.size(),
                conmonRss / 1024.0, used.ownSeconds(), used.childrenSeconds()));
        Console.progress(NAME, "where the time went (from the agent's files; clocks of this machine):");
        StartupStages.describe(result.sentAt(), result.runningAt(), result.running(), NAMESPACE, node.stateDir(),
                BenchNode.BRIDGE).forEach(l -> Console.progress(NAME, "  " + l));

        BenchNode.Leftovers left = deleteAll(client, NAMESPACE, node);
        Console.progress(NAME, agentLog(node.agent()));
        return new Real(result, used, agentRss, conmonRss, conmons.size(), left);
    }

    /** The same pods on a simulated node that writes Running at once: the API's part of the latency. */
    private static PodStartups.Result simulated(ClusterHarness cluster, KubernetesClient client) {
        Console.progress(NAME, "starting a simulated node for the baseline");
        NodeAgentHandle agent = cluster.startNodeAgent(SIM_AGENT, Map.of(
                "berth.node.simulate.count", "1",
                "berth.node.simulate.name-prefix", SIM_PREFIX,
                "berth.node.simulate.token-file", cluster.simulatorTokenFile().toString(),
                "berth.node.simulate.start-delay", "0s"));
        String node = SIM_PREFIX + "0";
        try {
            PodStartups.namespace(client, SIM_NAMESPACE);
            warmUp(client, SIM_NAMESPACE, node);
            CpuUsage.settle(Duration.ofSeconds(15));
            Console.progress(NAME, "creating " + PODS + " pods at " + Table.number(PER_SECOND) + "/s on " + node);
            CpuUsage cpu = CpuUsage.take();
            ApiRequests requests = ApiRequests.read(cluster.apiServiceManagementUrls());
            PodStartups.Result result = PodStartups.run(client, SIM_NAMESPACE, node, "pod-", PODS, PER_SECOND,
                    RUNNING_DEADLINE);
            Console.progress(NAME, CpuUsage.take().since(cpu, result.running().size(), "pod"));
            ApiRequests.read(cluster.apiServiceManagementUrls()).since(requests)
                    .describePer(result.running().size(), "pod").forEach(l -> Console.progress(NAME, l));
            Console.progress(NAME, describe("simulated node", result));
            int left = PodStartups.deleteAll(client, SIM_NAMESPACE, CLEANUP_DEADLINE);
            if (left > 0) {
                Console.progress(NAME, left + " simulated pods are still there " + CLEANUP_DEADLINE.toSeconds()
                        + " s after their deletion");
            }
            return result;
        } finally {
            agent.close();
            try {
                client.nodes().withName(node).delete();
                client.leases().inNamespace("kube-node-lease").withName(node).delete();
            } catch (KubernetesClientException e) {
                Console.progress(NAME, "could not delete the simulated Node " + node + ": " + e.getMessage());
            }
        }
    }

    /** A few pods started and deleted: the agent's and the services' code paths compiled before the measurement. */
    private static void warmUp(KubernetesClient client, String namespace, String node) {
        Console.progress(NAME, "warming up: " + WARMUP_PODS + " pods on " + node);
        PodStartups.Result warm = PodStartups.run(client, namespace, node, "warm-", WARMUP_PODS, PER_SECOND,
                RUNNING_DEADLINE);
        Console.progress(NAME, describe("warm-up", warm));
        int left = PodStartups.deleteAll(client, namespace, CLEANUP_DEADLINE);
        if (left > 0) {
            throw new IllegalStateException(left + " warm-up pods were still there " + CLEANUP_DEADLINE.toSeconds()
                    + " s after their deletion");
        }
    }

    /**
     * Deletes the pods, then waits until the agent removed their containers and sandboxes; returns what it left (of
     * the warm-up's pods too).
     */
    private static BenchNode.Leftovers deleteAll(KubernetesClient client, String namespace, BenchNode node) {
        long started = System.nanoTime();
        int pods = PodStartups.deleteAll(client, namespace, CLEANUP_DEADLINE);
        BenchNode.Leftovers left = node.awaitNoPods(CLEANUP_DEADLINE, SANDBOX_PATIENCE);
        Console.progress(NAME, String.format(Locale.ROOT, "pods deleted; after %.1f s %d pods, %d containers and "
                        + "%d sandboxes are left", (System.nanoTime() - started) / 1e9, pods, left.containers().size(),
                left.sandboxes().size()));
        return left;
    }

    private static String describe(String what, PodStartups.Result r) {
        Latencies s = r.startup();
        return String.format(Locale.ROOT, "%s: %d created (%d failed, first: %s), %d Running; startup p50 %s ms, "
                        + "p99 %s ms, max %s ms; create p99 %s ms%s", what, s.count(), r.posts().errors(),
                r.posts().firstError(), r.running().size(), millis(s, 50), millis(s, 99), millis(s, 100),
                millis(r.creates(), 99), r.watchError() == null ? "" : "; " + r.watchError());
    }

    /**
     * Warnings (failed teardowns among them) and retried status writes in the agent's log: a retry costs a pod a
     * second of startup.
     */
    private static String agentLog(NodeAgentHandle agent) {
        try (Stream<String> lines = Files.lines(agent.logFile())) {
            long[] counts = new long[2];
            lines.forEach(l -> {
                if (l.contains(" WARN ")) {
                    counts[0]++;
                }
                if (l.contains("will retry")) {
                    counts[1]++;
                }
            });
            return "agent log " + agent.logFile() + ": " + counts[0] + " warnings, " + counts[1]
                    + " retried status writes";
        } catch (IOException | RuntimeException e) {
            return "agent log unreadable: " + e.getMessage();
        }
    }

    private static List<Row> rows(Real real, PodStartups.Result simulated, String simulatedError) {
        List<Row> rows = new ArrayList<>();
        Latencies startup = real.result().startup();
        if (startup.count() == 0) {
            rows.add(Row.failed(NAME, HEADLINE, "no pod was created: " + real.result().posts().firstError(), "ms",
                    GOAL));
            return rows;
        }
        Latencies sim = simulated == null || simulated.startup().count() == 0 ? null : simulated.startup();
        long p99 = startup.percentile(99);
        rows.add(new Row(NAME, HEADLINE, Table.millis(p99), "ms",
                sim == null ? (simulatedError == null ? Row.NONE : "simulated node failed: " + simulatedError)
                        : Table.millis(sim.percentile(99)),
                ratio(p99, sim, 99), GOAL, p99 <= GOAL_P99.toNanos() ? "yes" : "no"));
        for (int p : new int[] {50, 100}) {
            String figure = "pod startup " + (p == 100 ? "max" : "p" + p) + " (real node; baseline: simulated node)";
            rows.add(new Row(NAME, figure, Table.millis(startup.percentile(p)), "ms",
                    sim == null ? Row.NONE : Table.millis(sim.percentile(p)), ratio(startup.percentile(p), sim, p),
                    Row.NONE, Row.NONE));
        }
        int notRunning = startup.lost();
        if (notRunning > 0) {
            rows.add(Row.goal(NAME, "pods not Running " + RUNNING_DEADLINE.toMinutes() + " min after the last create",
                    Integer.toString(notRunning), "pods", "0", false));
        }
        if (real.result().posts().errors() > 0) {
            rows.add(Row.goal(NAME, "failed creates (first: " + real.result().posts().firstError() + ")",
                    Integer.toString(real.result().posts().errors()), "requests", "0", false));
        }
        rows.add(Row.info(NAME, "create latency p99 at 5/s (fabric8 through the gateway)",
                millis(real.result().creates(), 99), "ms"));
        rows.add(Row.goal(NAME, RSS_FIGURE + ", JVM flags \"" + String.join(" ", ClusterHarness.REAL_NODE_JVM) + "\"",
                Table.number(real.agentRssKb() / 1024.0), "MiB", RSS_GOAL,
                real.agentRssKb() > 0 && real.agentRssKb() <= GOAL_RSS_KB));
        rows.add(Row.info(NAME, "conmon RSS, total of " + real.conmons() + " processes",
                Table.number(real.conmonRssKb() / 1024.0), "MiB"));
        rows.add(Row.info(NAME, "node agent CPU, first create to last Running: the JVM",
                Table.number(real.cpu().ownSeconds()), "s"));
        rows.add(Row.info(NAME, "node agent CPU, first create to last Running: its commands (ip, runc, mount, ...)",
                Table.number(real.cpu().childrenSeconds()), "s"));
        rows.add(Row.goal(NAME, "containers the agent left after the pods' deletion",
                Integer.toString(real.left().containers().size()), "containers", "0",
                real.left().containers().isEmpty()));
        rows.add(Row.goal(NAME, "pod sandboxes (network namespaces) the agent left after the deletion of "
                        + (PODS + WARMUP_PODS) + " pods", Integer.toString(real.left().sandboxes().size()),
                "sandboxes", "0", real.left().sandboxes().isEmpty()));
        return rows;
    }

    private static String ratio(long value, Latencies baseline, int p) {
        if (baseline == null || value == Latencies.LOST) {
            return Row.NONE;
        }
        long base = baseline.percentile(p);
        return base == Latencies.LOST || base == 0 ? Row.NONE : String.format(Locale.ROOT, "%.1f", (double) value / base);
    }

    private static String millis(Latencies latencies, int p) {
        return latencies.count() == 0 ? "-" : Table.millis(latencies.percentile(p));
    }

    /** The fabric8 client through the gateway, with the admin token of the harness's kubeconfig. */
    static KubernetesClient client(ClusterHarness cluster) throws IOException {
        Config config = Config.fromKubeconfig(Files.readString(cluster.kubeconfig()));
        config.setRequestTimeout(30_000);
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
