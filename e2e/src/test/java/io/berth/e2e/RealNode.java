package io.berth.e2e;

import io.berth.testkit.ClusterHarness;
import io.berth.testkit.NodeAgentHandle;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * One real node for the end-to-end tests of this JVM: a node agent that registered with a bootstrap token and runs
 * pods as conmon + runc containers on its own bridge ({@value #BRIDGE}, pods in {@value #POD_CIDR}). Needs root
 * (CI runs as root); a developer without it skips these tests. Back-off starts at 2 s so crash loops show in
 * seconds.
 */
final class RealNode {

    static final String NAME = "e2e-real";
    static final String BRIDGE = "be2e0";
    static final String POD_CIDR = "10.251.0.0/24";

    private static NodeAgentHandle agent;
    private static Path home;

    private RealNode() {
    }

    /** Skips the calling test unless this JVM can run containers. */
    static void assumeRoot() {
        boolean root = "root".equals(System.getProperty("user.name"));
        Assumptions.assumeTrue(root, "real containers need root (runc, network namespaces, cgroups)");
    }

    static synchronized NodeAgentHandle get() {
        assumeRoot();
        if (agent == null) {
            home = tempHome();
            agent = start(NAME, BRIDGE, POD_CIDR, "berth-e2e", home);
            NodeAgentHandle started = agent;
            Path startedHome = home;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started.close();
                cleanUp(startedHome, BRIDGE, "berth-e2e");
            }, "berth-e2e-node"));
        }
        return agent;
    }

    /**
     * Another real node on this machine, with its own bridge, pod CIDR, runc root and cgroup parent, for a test that
     * needs pods on two nodes. Closing it deletes its pods, stops its agent, removes everything it made and its Node.
     */
    static Extra startExtra(String name, String bridge, String podCidr) {
        get();
        Path extraHome = tempHome();
        String cgroupParent = "berth-" + name;
        NodeAgentHandle extra = start(name, bridge, podCidr, cgroupParent, extraHome);
        return new Extra(name, extra, () -> cleanUp(extraHome, bridge, cgroupParent));
    }

    /** A node started by {@link #startExtra}. */
    record Extra(String name, NodeAgentHandle agent, Runnable cleanUp) implements AutoCloseable {
        @Override
        public void close() {
            KubernetesClient client = SharedCluster.client();
            client.pods().inAnyNamespace().withField("spec.nodeName", name).list().getItems()
                    .forEach(p -> client.pods().inNamespace(p.getMetadata().getNamespace())
                            .withName(p.getMetadata().getName()).delete());
            await().atMost(Duration.ofSeconds(60)).until(() -> client.pods().inAnyNamespace()
                    .withField("spec.nodeName", name).list().getItems().isEmpty());
            agent.close();
            cleanUp.run();
            client.nodes().withName(name).delete();
            client.leases().inNamespace("kube-node-lease").withName(name).delete();
        }
    }

    private static Path tempHome() {
        try {
            return Files.createTempDirectory("berth-e2e-node-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static NodeAgentHandle start(String name, String bridge, String podCidr, String cgroupParent, Path home) {
        ClusterHarness cluster = SharedCluster.get();
        NodeCredentials.ensureBootstrapToken(cluster);
        try {
            Path token = home.resolve("bootstrap-token");
            Files.writeString(token, NodeCredentials.BOOTSTRAP + "\n");
            return cluster.startNodeAgent(name, Map.of(
                    "berth.node.bootstrap-token-file", token.toString(),
                    "berth.node.state-dir", home.resolve("node").resolve(name).toString(),
                    "berth.node.network.bridge", bridge,
                    "berth.node.network.pod-cidr", podCidr,
                    "berth.node.runtime.runc-root", home.resolve("runc").toString(),
                    "berth.node.runtime.cgroup-parent", cgroupParent,
                    "berth.node.runtime.backoff-initial", "2s",
                    "berth.node.runtime.unmanaged-check", "2s",
                    // small, so that a chatty test pod's log rotates within seconds
                    "berth.node.runtime.log-max-size", "32KB",
                    "berth.node.runtime.log-max-files", "3"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Containers outlive their agent by design; when the tests are over, nothing of this node may: its containers,
     * network namespaces, bridge, mounts under its state directory and cgroups.
     */
    private static void cleanUp(Path home, String bridge, String cgroupParent) {
        String script = """
                R="$1"; HOME_DIR="$2"; BRIDGE="$3"; CGROUP="$4"
                for id in $(runc --root "$R" list -q 2>/dev/null); do runc --root "$R" delete --force "$id"; done
                for ns in $(ip netns list | awk '{print $1}' | grep "^berth-$BRIDGE-"); do ip netns del "$ns"; done
                ip link del "$BRIDGE" 2>/dev/null
                awk -v h="$HOME_DIR" 'index($2, h) == 1 { print $2 }' /proc/self/mounts | sort -r | xargs -r umount -l
                find /sys/fs/cgroup/*/"$CGROUP" -depth -type d -exec rmdir {} \\; 2>/dev/null
                rm -rf "$HOME_DIR"
                true
                """;
        try {
            new ProcessBuilder("sh", "-c", script, "sh", home.resolve("runc").toString(), home.toString(), bridge,
                    cgroupParent).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The agent's state directory, as {@code bin/berth} lays it out ({@code <home>/node/<name>}). */
    static Path stateDir() {
        return home.resolve("node").resolve(NAME);
    }

    /** The folder standing in for {@code $BERTH_HOME} (for {@code bin/berth image load}). */
    static Path home() {
        return home;
    }

    static Path runcRoot() {
        return home.resolve("runc");
    }

    /** A test class's view of the node: its namespace, a fabric8 client and kubectl; closing deletes its pods. */
    record Session(String namespace, KubernetesClient client, io.berth.testkit.Kubectl kubectl) implements AutoCloseable {
        @Override
        public void close() {
            client.pods().inNamespace(namespace).withGracePeriod(0).delete();
            client.close();
            kubectl.close();
        }
    }

    /** Starts the node if needed and prepares {@code namespace} (with its default ServiceAccount) for a test class. */
    static Session open(String namespace) {
        get();
        KubernetesClient client = SharedCluster.client();
        namespace(client, namespace);
        return new Session(namespace, client, new io.berth.testkit.Kubectl(SharedCluster.get().kubeconfig()));
    }

    /** A namespace with its {@code default} ServiceAccount (what the controller-manager will create later). */
    static void namespace(KubernetesClient client, String name) {
        try {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata()
                    .build()).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
        try {
            client.serviceAccounts().inNamespace(name).resource(new ServiceAccountBuilder().withNewMetadata()
                    .withName("default").endMetadata().build()).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    /** Waits until the pod reaches {@code phase} (or Ready with "Ready"). */
    static Pod awaitPod(KubernetesClient client, String ns, String name, String phaseOrReady, Duration timeout) {
        Pod[] last = new Pod[1];
        await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
            Pod p = client.pods().inNamespace(ns).withName(name).get();
            last[0] = p;
            if (p == null || p.getStatus() == null) {
                return false;
            }
            if ("Ready".equals(phaseOrReady)) {
                return p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
            }
            return phaseOrReady.equals(p.getStatus().getPhase());
        });
        return last[0];
    }
}
