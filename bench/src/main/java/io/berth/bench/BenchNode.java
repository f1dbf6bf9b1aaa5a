package io.berth.bench;

import io.berth.testkit.ClusterHarness;
import io.berth.testkit.NodeAgentHandle;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A real node for the benchmarks: a node agent started through the harness that registers with a bootstrap token
 * and runs pods as conmon + runc containers. The settings of the end-to-end tests' {@code RealNode}, with names of
 * its own so that both can run on one machine: bridge {@value #BRIDGE}, pods in {@value #POD_CIDR}, cgroup parent
 * {@value #CGROUP_PARENT}, state directory and runc root under a temporary directory. Needs root.
 *
 * <p>{@link #close} stops the agent (which leaves containers running, as a kubelet does), then removes whatever a run
 * that failed half-way left: containers, mounts under its directory, its bridge's network namespaces, the bridge and
 * its {@code FORWARD} rules, its cgroups, the directory, its Node and Lease. It says on the progress log what it had
 * to remove: after a clean run (every pod deleted through the API, and every sandbox removed by the agent) only the
 * bridge.
 */
final class BenchNode implements AutoCloseable {

    static final String NAME = "bench-real";
    static final String BRIDGE = "bbench0";
    static final String POD_CIDR = "10.253.0.0/24";
    static final String CGROUP_PARENT = "berth-bench";
    private static final String TOKEN_ID = "bbench";
    private static final String TOKEN_SECRET = "0123456789abcdef";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> COMMANDS = List.of("runc", "conmon", "ip", "unshare", "mount");

    private final KubernetesClient client;
    private final Path home;
    private final NodeAgentHandle agent;

    private BenchNode(KubernetesClient client, Path home, NodeAgentHandle agent) {
        this.client = client;
        this.home = home;
        this.agent = agent;
    }

    /** Why this machine cannot run a real node (not root, a command missing), or null when it can. */
    static String whyNot() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "a real node needs root (runc, network namespaces, cgroups); this runs as "
                    + System.getProperty("user.name");
        }
        for (String command : COMMANDS) {
            if (run(List.of("sh", "-c", "command -v " + command)).exitCode() != 0) {
                return "a real node needs " + command + " on the PATH";
            }
        }
        return null;
    }

    /**
     * Creates the bootstrap token Secret (kept when it exists) and starts the agent; returns once it is ready (its
     * Node registered, its pods listed).
     */
    static BenchNode start(ClusterHarness cluster, KubernetesClient client) {
        try {
            client.secrets().inNamespace("kube-system").resource(new SecretBuilder().withNewMetadata()
                    .withName("bootstrap-token-" + TOKEN_ID).endMetadata()
                    .withType("bootstrap.kubernetes.io/token")
                    .withStringData(Map.of("token-id", TOKEN_ID, "token-secret", TOKEN_SECRET,
                            "usage-bootstrap-authentication", "true"))
                    .build()).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
        Path home;
        try {
            home = Files.createTempDirectory("berth-bench-node-");
            Path token = home.resolve("bootstrap-token");
            Files.writeString(token, TOKEN_ID + "." + TOKEN_SECRET + "\n");
            Console.progress(PodStartup.NAME, "starting a real node agent in " + home);
            NodeAgentHandle agent = cluster.nodeAgent(NAME, Map.of(
                    "berth.node.bootstrap-token-file", token.toString(),
                    "berth.node.state-dir", home.resolve("node").resolve(NAME).toString(),
                    "berth.node.network.bridge", BRIDGE,
                    "berth.node.network.pod-cidr", POD_CIDR,
                    "berth.node.runtime.runc-root", home.resolve("runc").toString(),
                    "berth.node.runtime.cgroup-parent", CGROUP_PARENT), Duration.ofMinutes(3));
            BenchNode node = new BenchNode(client, home, agent);
            try {
                agent.start();
            } catch (RuntimeException e) {
                node.close();
                throw new IllegalStateException("the node agent did not become ready: " + e.getMessage()
                        + "\n" + agent.logTail(), e);
            }
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String name() {
        return NAME;
    }

    NodeAgentHandle agent() {
        return agent;
    }

    Path stateDir() {
        return home.resolve("node").resolve(NAME);
    }

    Path runcRoot() {
        return home.resolve("runc");
    }

    /** True for a command line that names this node's state directory or runc root (its conmons). */
    boolean owns(String commandLine) {
        return commandLine.contains(stateDir().toString()) || commandLine.contains(runcRoot().toString());
    }

    /** The ids of the containers runc holds for this node ({@code runc --root <root> list -q}). */
    List<String> containers() {
        Result r = run(List.of("runc", "--root", runcRoot().toString(), "list", "-q"));
        if (r.exitCode() != 0) {
            return Files.isDirectory(runcRoot()) ? List.of("(runc list failed: " + r.output().strip() + ")")
                    : List.of();
        }
        return r.output().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** The network namespaces of this node's pod sandboxes ({@code berth-<bridge>-<pod uid>}). */
    List<String> sandboxes() {
        return run(List.of("ip", "netns", "list")).output().lines().map(l -> l.split("\\s+")[0])
                .filter(ns -> ns.startsWith("berth-" + BRIDGE + "-")).toList();
    }

    /** What a pod deletion left of its pods on the node: containers runc holds, sandboxes' network namespaces. */
    record Leftovers(List<String> containers, List<String> sandboxes) {
        boolean none() {
            return containers.isEmpty() && sandboxes.isEmpty();
        }
    }

    /**
     * Waits until runc holds no container of this node and its pod sandboxes are gone; gives up on the sandboxes
     * once their number has not changed for {@code patience} (the agent no longer removes them).
     */
    Leftovers awaitNoPods(Duration deadline, Duration patience) {
        long end = System.nanoTime() + deadline.toNanos();
        List<String> containers = containers();
        List<String> sandboxes = sandboxes();
        long changed = System.nanoTime();
        while ((!containers.isEmpty() || !sandboxes.isEmpty()) && System.nanoTime() < end
                && (!containers.isEmpty() || System.nanoTime() - changed < patience.toNanos())) {
            LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
            containers = containers();
            List<String> now = sandboxes();
            if (now.size() != sandboxes.size() || !containers.isEmpty()) {
                changed = System.nanoTime();
            }
            sandboxes = now;
        }
        return new Leftovers(containers, sandboxes);
    }

    @Override
    public void close() {
        agent.close();
        Map<String, Integer> removed = new TreeMap<>();
        for (String id : containers()) {
            if (!id.startsWith("(")) {
                run(List.of("runc", "--root", runcRoot().toString(), "delete", "--force", id));
                removed.merge("containers", 1, Integer::sum);
            }
        }
        for (long pid : Procs.find("conmon", this::owns)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            removed.merge("conmons", 1, Integer::sum);
        }
        for (String mount : mountsUnder(home)) {
            if (run(List.of("umount", mount)).exitCode() != 0) {
                run(List.of("umount", "-l", mount));
            }
            removed.merge("mounts", 1, Integer::sum);
        }
        for (String ns : sandboxes()) {
            run(List.of("ip", "netns", "del", ns));
            removed.merge("network namespaces", 1, Integer::sum);
        }
        if (run(List.of("ip", "link", "show", "dev", BRIDGE)).exitCode() == 0) {
            run(List.of("ip", "link", "del", "dev", BRIDGE));
            removed.merge("bridge " + BRIDGE, 1, Integer::sum);
        }
        for (String iptables : List.of("iptables", "iptables-legacy")) {
            for (String direction : List.of("-i", "-o")) {
                List<String> rule = List.of(iptables, "-w", "-C", "FORWARD", direction, BRIDGE, "-j", "ACCEPT");
                for (int i = 0; i < 10 && run(rule).exitCode() == 0; i++) {
                    List<String> delete = new ArrayList<>(rule);
                    delete.set(2, "-D");
                    run(delete);
                    removed.merge(iptables + " FORWARD rules", 1, Integer::sum);
                }
            }
        }
        List<String> problems = new ArrayList<>(removeCgroups());
        removeNodeObjects();
        if (mountsUnder(home).isEmpty()) {
            deleteTree(home);
        } else {
            problems.add("NOT " + home + ": something is still mounted below it");
        }
        Console.progress(PodStartup.NAME, "real node stopped; removed " + (removed.isEmpty() ? "nothing"
                : removed.toString().replaceAll("[{}]", "")) + (problems.isEmpty() ? "" : "; " + problems));
    }

    /** The pod cgroups the agent left (none, after a clean run) and its node and parent cgroups, in every hierarchy. */
    private static List<String> removeCgroups() {
        List<String> removed = new ArrayList<>();
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path hierarchy : hierarchies.toList()) {
                Path parent = hierarchy.resolve(CGROUP_PARENT);
                if (!Files.isDirectory(parent)) {
                    continue;
                }
                try (Stream<Path> tree = Files.walk(parent)) {
                    // a cgroup directory goes with rmdir once its children are gone: deepest first
                    for (Path dir : tree.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
                        try {
                            Files.delete(dir);
                        } catch (IOException e) {
                            removed.add("NOT cgroup " + dir + " (" + e.getMessage() + ")");
                        }
                    }
                }
            }
        } catch (IOException e) {
            removed.add("NOT the cgroups (" + e.getMessage() + ")");
        }
        return removed;
    }

    /** The Node and its Lease: a stopped agent's Node would stay NotReady in the cluster the next benchmark uses. */
    private void removeNodeObjects() {
        try {
            client.nodes().withName(NAME).delete();
            client.leases().inNamespace("kube-node-lease").withName(NAME).delete();
        } catch (KubernetesClientException e) {
            Console.progress(PodStartup.NAME, "could not delete Node " + NAME + ": " + e.getMessage());
        }
    }

    /** Mount points at or below {@code dir}, deepest first (the order to unmount them in). */
    private static List<String> mountsUnder(Path dir) {
        String prefix = dir.toAbsolutePath().toString();
        List<String> mounts = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String point = line.split(" ")[4].replace("\\040", " ");
                if (point.equals(prefix) || point.startsWith(prefix + "/")) {
                    mounts.add(point);
                }
            }
        } catch (IOException e) {
            return mounts;
        }
        mounts.sort(Comparator.reverseOrder());
        return mounts;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            Console.progress(PodStartup.NAME, "could not delete " + dir + ": " + e.getMessage());
        }
    }

    record Result(int exitCode, String output) {
    }

    /** Runs a command to its end (stderr merged into the output); exit code -1 when it could not run or hung. */
    static Result run(List<String> argv) {
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        }
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.getMessage();
            }
        });
        try {
            if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(-1, argv + " did not finish in " + COMMAND_TIMEOUT.toSeconds() + " s");
            }
            return new Result(p.exitValue(), output.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return new Result(-1, "interrupted");
        } catch (ExecutionException | TimeoutException e) {
            return new Result(p.exitValue(), "");
        }
    }

}
