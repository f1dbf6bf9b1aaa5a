package io.berth.node.status;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The node's registration and Ready condition against a stub API server that keeps one Node and one Lease: without a
 * configured pod CIDR the Node waits NotReady for the {@code spec.podCIDR} the node IPAM patches in.
 */
class NodeLifecycleTest {

    private static final MachineInfo MACHINE = new MachineInfo(2, 8L << 30, 100L << 30, "6.1.0", "Debian GNU/Linux 12",
            "amd64", "m1", "b1", "runc://1.1.5");
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    @TempDir
    Path state;

    private final AtomicReference<Node> stored = new AtomicReference<>();
    private final AtomicReference<Lease> lease = new AtomicReference<>();
    private final AtomicInteger version = new AtomicInteger(1);
    private final AtomicInteger nodeReads = new AtomicInteger();
    private final FakeNetwork network = new FakeNetwork();
    private HttpServer server;
    private KubernetesClient client;
    private NodeLifecycle lifecycle;

    @BeforeEach
    void startStubApiServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/nodes", this::nodes);
        server.createContext("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", this::leases);
        server.start();
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:" + server.getAddress().getPort())
                .withRequestRetryBackoffLimit(0).build()).build();
    }

    @AfterEach
    void stop() {
        if (lifecycle != null) {
            lifecycle.close();
        }
        client.close();
        server.stop(0);
    }

    @Test
    void withoutAPodCidrTheNodeRegistersWithoutOneAndTurnsReadyWhenTheNodeIpamAssignsIt() {
        lifecycle = lifecycle(null);
        lifecycle.start();

        assertThat(stored.get().getSpec().getPodCIDR()).isNull();
        assertThat(ready().getStatus()).isEqualTo("False");
        assertThat(ready().getReason()).isEqualTo("KubeletNotReady");
        assertThat(ready().getMessage()).contains("the node's pod CIDR is not assigned yet");

        // what the controller manager's node IPAM does: PATCH spec.podCIDR and spec.podCIDRs
        stored.updateAndGet(n -> new NodeBuilder(n).editSpec().withPodCIDR("10.244.3.0/24")
                .withPodCIDRs(List.of("10.244.3.0/24")).endSpec().editMetadata()
                .withResourceVersion(Integer.toString(version.incrementAndGet())).endMetadata().build());

        await().atMost(Duration.ofSeconds(10)).until(() -> "True".equals(ready().getStatus()));
        assertThat(network.cidr.get()).isEqualTo("10.244.3.0/24");
        assertThat(ready().getReason()).isEqualTo("KubeletReady");
        int reads = nodeReads.get();
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> nodeReads.get() == reads);
    }

    @Test
    void aConfiguredPodCidrIsRegisteredAndTheNodeIsReadyAtOnce() {
        network.cidr.set("10.251.0.0/24");
        lifecycle = lifecycle("10.251.0.0/24");
        lifecycle.start();

        assertThat(stored.get().getSpec().getPodCIDR()).isEqualTo("10.251.0.0/24");
        assertThat(stored.get().getSpec().getPodCIDRs()).containsExactly("10.251.0.0/24");
        assertThat(ready().getStatus()).isEqualTo("True");
        int reads = nodeReads.get();
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> nodeReads.get() == reads);
    }

    @Test
    void anAdoptedNodeThatHasItsPodCidrIsReadyAtStart() {
        stored.set(new NodeBuilder().withNewMetadata().withName("n1").withUid("u1").withResourceVersion("1")
                .endMetadata().withNewSpec().withPodCIDR("10.244.9.0/24").withPodCIDRs("10.244.9.0/24").endSpec()
                .build());
        lifecycle = lifecycle(null);
        lifecycle.start();

        assertThat(network.cidr.get()).isEqualTo("10.244.9.0/24");
        await().atMost(Duration.ofSeconds(10)).until(() -> "True".equals(ready().getStatus()));
    }

    private NodeLifecycle lifecycle(String podCidr) {
        NodeObjects.Description d = new NodeObjects.Description("n1", "127.0.0.1", 10250,
                Map.of("cpu", new Quantity("2"), "pods", new Quantity("110")), Map.of(), List.of(), podCidr, MACHINE);
        return new NodeLifecycle(client, d, state, Duration.ofSeconds(10), Duration.ofSeconds(40),
                Duration.ofMinutes(1), Clock.systemUTC(), network);
    }

    private NodeCondition ready() {
        Node n = stored.get();
        return n.getStatus().getConditions().stream().filter(c -> c.getType().equals("Ready")).findFirst()
                .orElseThrow();
    }

    /** GET and POST of the Node, PUT of its status (spec kept, as the status subresource does). */
    private void nodes(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        switch (ex.getRequestMethod() + " " + path) {
            case "GET /api/v1/nodes/n1" -> {
                nodeReads.incrementAndGet();
                Node n = stored.get();
                answer(ex, n == null ? 404 : 200, n == null ? notFound() : n);
            }
            case "POST /api/v1/nodes" -> {
                Node n = new NodeBuilder(JSON.unmarshal(body(ex), Node.class)).editMetadata().withUid("u1")
                        .withResourceVersion(Integer.toString(version.incrementAndGet())).endMetadata().build();
                stored.set(n);
                answer(ex, 201, n);
            }
            case "PUT /api/v1/nodes/n1/status" -> {
                Node sent = JSON.unmarshal(body(ex), Node.class);
                Node current = stored.get();
                if (!current.getMetadata().getResourceVersion().equals(sent.getMetadata().getResourceVersion())) {
                    answer(ex, 409, Map.of("kind", "Status", "apiVersion", "v1", "status", "Failure",
                            "reason", "Conflict", "code", 409));
                    return;
                }
                Node n = new NodeBuilder(current).withStatus(sent.getStatus()).editMetadata()
                        .withResourceVersion(Integer.toString(version.incrementAndGet())).endMetadata().build();
                stored.set(n);
                answer(ex, 200, n);
            }
            default -> answer(ex, 405, Map.of("kind", "Status", "apiVersion", "v1", "code", 405));
        }
    }

    private void leases(HttpExchange ex) throws IOException {
        switch (ex.getRequestMethod()) {
            case "GET" -> answer(ex, lease.get() == null ? 404 : 200, lease.get() == null ? notFound() : lease.get());
            case "POST", "PUT" -> {
                Lease l = JSON.unmarshal(body(ex), Lease.class);
                lease.set(l);
                answer(ex, ex.getRequestMethod().equals("POST") ? 201 : 200, l);
            }
            default -> answer(ex, 405, Map.of("kind", "Status", "apiVersion", "v1", "code", 405));
        }
    }

    private static Map<String, Object> notFound() {
        return Map.of("kind", "Status", "apiVersion", "v1", "status", "Failure", "reason", "NotFound", "code", 404);
    }

    private static String body(HttpExchange ex) throws IOException {
        return new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static void answer(HttpExchange ex, int code, Object body) throws IOException {
        byte[] bytes = JSON.asJson(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(code, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    /** A pod network that takes the first CIDR it is given. */
    static final class FakeNetwork implements NodeNetwork {
        final AtomicReference<String> cidr = new AtomicReference<>();

        @Override
        public Optional<String> notReady() {
            return cidr.get() == null ? Optional.of("the node's pod CIDR is not assigned yet") : Optional.empty();
        }

        @Override
        public boolean assign(String podCidr) {
            return cidr.compareAndSet(null, podCidr);
        }
    }
}
