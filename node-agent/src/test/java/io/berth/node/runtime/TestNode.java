package io.berth.node.runtime;

import io.berth.node.config.NodeProperties;
import io.berth.node.network.PodNetwork;
import org.springframework.util.unit.DataSize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * One real node for integration tests: its own state directory, runc root, bridge ({@code bt<hex>}), pod CIDR
 * ({@code 10.250.x.0/24}, or none until {@link #assignPodCidr}), node name and the cgroup parent {@code berth-test}.
 * {@link #close()} removes every trace, whatever a failed test left.
 */
final class TestNode implements AutoCloseable {

    static final String CGROUP_PARENT = "berth-test";

    final Path dir;
    final String name;
    final NodeProperties.Runtime runtimeProperties;
    volatile NodeProperties.Network networkProperties;
    final PodNetwork network;
    /** The pod network of {@link #runtime}, the one the Node's pod CIDR is handed to. */
    private PodNetwork runtimeNetwork;
    RuncRuntime runtime;

    TestNode(Path dir, int subnet) throws IOException {
        this(dir, "10.250." + subnet + ".0/24");
    }

    /** A node started without a pod CIDR, as an agent whose Node waits for the controller manager's node IPAM. */
    static TestNode withoutPodCidr(Path dir) throws IOException {
        return new TestNode(dir, null);
    }

    private TestNode(Path dir, String podCidr) throws IOException {
        this.dir = dir;
        String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
        this.name = "node-" + suffix;
        this.runtimeProperties = new NodeProperties.Runtime(dir.resolve("runc"), "runc", "conmon", CGROUP_PARENT,
                DataSize.ofMegabytes(10), 5, 8, Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofSeconds(30),
                "report");
        this.networkProperties = new NodeProperties.Network("bt" + suffix, podCidr);
        Files.createDirectories(dir);
        this.network = new PodNetwork(networkProperties, dir.resolve("state"));
        this.runtime = restart();
    }

    /** A new runtime over the same directories: what an agent restart sees. */
    RuncRuntime restart() {
        runtimeNetwork = new PodNetwork(networkProperties, dir.resolve("state"));
        return new RuncRuntime(runtimeProperties, runtimeNetwork, dir.resolve("state"), name, "127.0.0.1");
    }

    /** What the agent does when its Node's {@code spec.podCIDR} appears; true when the runtime's network took it. */
    boolean assignPodCidr(String podCidr) {
        networkProperties = new NodeProperties.Network(networkProperties.bridge(), podCidr);
        network.assign(podCidr);
        return runtimeNetwork.assign(podCidr);
    }

    /** Whether this machine can run the integration tests: root, runc, conmon and ip. */
    static boolean usable() {
        return isRoot() && Commands.installed("runc")
                && Commands.installed("conmon") && Commands.installed("ip") && Commands.installed("unshare");
    }

    private static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .anyMatch(l -> l.startsWith("Uid:") && l.substring(4).strip().startsWith("0\t"));
        } catch (IOException e) {
            return false;
        }
    }

    /** A /24 in 10.250.0.0/16 that no route of this machine uses yet. */
    static int freeSubnet(int... taken) {
        String routes = Commands.run(List.of("ip", "-4", "route"), Duration.ofSeconds(10)).stdout();
        while (true) {
            int x = ThreadLocalRandom.current().nextInt(1, 255);
            boolean clash = routes.contains("10.250." + x + ".");
            for (int t : taken) {
                clash |= t == x;
            }
            if (!clash) {
                return x;
            }
        }
    }

    /** A plan running {@code args} with a host-shaped rootfs (read-only binds of the host's system directories). */
    ContainerPlan plan(String id, List<String> args) throws IOException {
        return plan(id, args, 0);
    }

    /** As {@link #plan(String, List)}, limited to {@code memoryLimitBytes} (0: no limit). */
    ContainerPlan plan(String id, List<String> args, long memoryLimitBytes) throws IOException {
        Path rootfs = Files.createDirectories(dir.resolve("rootfs").resolve(id));
        List<ContainerPlan.Mount> mounts = new ArrayList<>();
        for (String d : List.of("/usr", "/bin", "/lib", "/lib64", "/sbin", "/etc")) {
            if (Files.exists(Path.of(d))) {
                mounts.add(new ContainerPlan.Mount(d, d, "bind", List.of("rbind", "ro")));
            }
        }
        return new ContainerPlan(id, rootfs, false, args, List.of("GREETING=hello"), "/", 0, 0, List.of(),
                Set.of("CAP_CHOWN", "CAP_KILL", "CAP_SETUID", "CAP_SETGID", "CAP_NET_BIND_SERVICE"),
                false, false, true, mounts, dir.resolve("logs").resolve(id + ".log"), memoryLimitBytes, 0, 100_000, 2, 0,
                Map.of("io.berth.container.name", id));
    }

    String netnsName(String podUid) {
        return network.netnsName(podUid);
    }

    @Override
    public void close() {
        List<Throwable> problems = new ArrayList<>();
        RuncRuntime r = restart();
        attempt(problems, () -> r.listContainers().forEach(c -> r.removeContainer(c.id(), true)));
        attempt(problems, () -> r.listSandboxes().forEach(s -> r.removeSandbox(s.podUid())));
        // whatever a half-made sandbox left: namespaces, veths and addresses of this bridge, pins, mounts
        attempt(problems, () -> Commands.run(List.of("ip", "netns", "list"), Duration.ofSeconds(10)).stdout().lines()
                .map(l -> l.split(" ")[0])
                .filter(n -> n.startsWith("berth-" + networkProperties.bridge() + "-"))
                .forEach(n -> Commands.run(List.of("ip", "netns", "del", n), Duration.ofSeconds(10))));
        attempt(problems, () -> network.allocations().values().forEach(network::detach));
        attempt(problems, () -> {
            Path sandboxes = dir.resolve("state/runtime/sandboxes");
            if (Files.isDirectory(sandboxes)) {
                try (Stream<Path> pods = Files.list(sandboxes)) {
                    pods.forEach(pod -> new PodNamespaces().remove(pod));
                }
            }
        });
        attempt(problems, () -> unmountUnder(dir));
        attempt(problems, () -> {
            PodCgroups cgroups = new PodCgroups(CGROUP_PARENT, name);
            Path node = cgroups.dir("memory", cgroups.nodePath());
            if (Files.isDirectory(node)) {
                try (Stream<Path> pods = Files.list(node)) {
                    pods.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("pod"))
                            .forEach(n -> cgroups.remove(n.substring(3)));
                }
            }
        });
        attempt(problems, network::removeBridge);
        attempt(problems, () -> new PodCgroups(CGROUP_PARENT, name).removeNodeIfEmpty());
        attempt(problems, () -> deleteTree(dir));
        if (!problems.isEmpty()) {
            IllegalStateException e = new IllegalStateException("cleanup of test node " + name + " failed");
            problems.forEach(e::addSuppressed);
            throw e;
        }
    }

    private static void unmountUnder(Path dir) throws IOException {
        String prefix = Mounts.canonical(dir);
        List<String> targets = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String target = PodCgroups.unescape(line.split(" ")[4]);
            if (target.startsWith(prefix + "/")) {
                targets.add(target);
            }
        }
        targets.sort(Comparator.reverseOrder());
        for (String t : targets) {
            Commands.run(List.of("umount", "-l", t), Duration.ofSeconds(10));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    interface Step {
        void run() throws Exception;
    }

    private static void attempt(List<Throwable> problems, Step step) {
        try {
            step.run();
        } catch (Throwable t) {
            problems.add(t);
        }
    }
}
