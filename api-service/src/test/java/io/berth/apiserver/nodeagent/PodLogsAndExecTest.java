package io.berth.apiserver.nodeagent;

import io.berth.apimachinery.json.Json;
import io.berth.apiserver.ApiServiceInstance;
import io.berth.testkit.EtcdExtension;
import io.berth.testkit.EtcdProcess;
import io.berth.testkit.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code pods/log} and {@code pods/exec} through a real api-service on a real etcd, called as the gateway calls it,
 * against a fake node agent (HTTPS with the kubelet-serving certificate, client certificate required): the pod's
 * Node says where the agent is, the api-service dials it with its kubelet client certificate and streams back.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodLogsAndExecTest {

    static final String[] ADMIN = {"system:masters"};
    static final String PODS = "/api/v1/namespaces/team/pods/";

    EtcdProcess etcd;
    ApiServiceInstance api;
    FakeNodeAgent agent;

    @BeforeAll
    void start() throws Exception {
        agent = new FakeNodeAgent(etcd.pkiDir());
        api = ApiServiceInstance.start(etcd, "/streams-" + UUID.randomUUID());
        created(api.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"team\"}}", "admin", ADMIN));
        node("node-a", agent.port());
        node("node-down", FreePorts.next());
        pod("web", "node-a", List.of("c"), running("c"));
        pod("two", "node-a", List.of("a", "b"), running("a"));
        pod("pending", null, List.of("c"), null);
        pod("creating", "node-a", List.of("c"), "{\"name\":\"c\",\"ready\":false,\"restartCount\":0,\"image\":\"host\","
                + "\"imageID\":\"\",\"state\":{\"waiting\":{\"reason\":\"ContainerCreating\"}}}");
        pod("gone", "node-a", List.of("c"), running("c"));
        pod("lost", "node-down", List.of("c"), running("c"));
    }

    @AfterAll
    void stop() {
        if (api != null) {
            api.close();
        }
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void aLogIsTheAgentsTextForTheChosenContainerAsked() {
        HttpResponse<String> log = api.get(PODS + "web/log?tailLines=5&timestamps=true", "admin", ADMIN);

        assertThat(log.statusCode()).as(log.body()).isEqualTo(200);
        assertThat(log.headers().firstValue("Content-Type")).hasValue("text/plain");
        assertThat(log.body()).isEqualTo(FakeNodeAgent.LOG);
        FakeNodeAgent.Seen seen = agent.seen.stream().filter(s -> s.path().equals("/containerLogs/team/web/c"))
                .reduce((a, b) -> b).orElseThrow();
        assertThat(seen.query()).containsEntry("tailLines", List.of("5")).containsEntry("timestamps", List.of("true"));
        assertThat(seen.client()).isEqualTo("CN=system:berth-apiserver-kubelet-client");
    }

    @Test
    void aFollowedLogStreamsAsTheAgentWritesAndEndsWithIt() throws Exception {
        HttpResponse<InputStream> response = api.client().send(request(PODS + "web/log?follow=true").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        try (BufferedReader body = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            agent.follow.tryEmitNext("first\n");
            assertThat(line(body)).isEqualTo("first");
            agent.follow.tryEmitNext("second\n");
            assertThat(line(body)).isEqualTo("second");

            agent.follow.tryEmitComplete();
            assertThat(line(body)).isNull();
        }
    }

    @Test
    void logRefusalsAreKubernetesStatuses() {
        assertStatus(api.get(PODS + "nothere/log", "admin", ADMIN), 404, "NotFound", "pods \"nothere\" not found");
        assertStatus(api.get(PODS + "pending/log", "admin", ADMIN), 400, "BadRequest",
                "pod pending does not have a host assigned");
        assertStatus(api.get(PODS + "two/log", "admin", ADMIN), 400, "BadRequest",
                "a container name must be specified for pod two, choose one of: [a b]");
        assertStatus(api.get(PODS + "web/log?container=x", "admin", ADMIN), 400, "BadRequest",
                "container x is not valid for pod web");
        assertStatus(api.get(PODS + "creating/log", "admin", ADMIN), 400, "BadRequest",
                "container \"c\" in pod \"creating\" is waiting to start: ContainerCreating");
        assertStatus(api.get(PODS + "web/log?previous=true", "admin", ADMIN), 400, "BadRequest",
                "previous terminated container \"c\" in pod \"web\" not found");
        assertStatus(api.get(PODS + "web/log?tailLines=-2", "admin", ADMIN), 422, "Invalid",
                "PodLogOptions \"web\" is invalid: tailLines: Invalid value: -2: must be greater than or equal to 0");
        assertStatus(api.get(PODS + "web/log?insecureSkipTLSVerifyBackend=true", "admin", ADMIN), 400, "BadRequest",
                "insecureSkipTLSVerifyBackend is not supported: the api-service always verifies the node agent's "
                        + "serving certificate");
        assertStatus(api.get(PODS + "gone/log", "admin", ADMIN), 404, "NotFound",
                "container \"c\" not found in pod \"gone\"");
        HttpResponse<String> down = api.get(PODS + "lost/log", "admin", ADMIN);
        assertThat(down.statusCode()).isEqualTo(500);
        assertThat(message(down)).startsWith("Internal error occurred: Get \"https://127.0.0.1:");
        assertThat(api.send("POST", PODS + "web/log", "application/json", "{}".getBytes(StandardCharsets.UTF_8),
                "admin", ADMIN).statusCode()).isEqualTo(405);
    }

    @Test
    void execProxiesFramesBothWaysAndEndsWithTheExitStatus() throws Exception {
        Frames frames = new Frames();
        WebSocket socket = exec(PODS + "web/exec?command=sh&command=-c&command=echo%20a%2Bb&stdin=true&stdout=true"
                + "&stderr=true&tty=false", frames, "v5.channel.k8s.io", "v4.channel.k8s.io");
        assertThat(socket.getSubprotocol()).isEqualTo("v5.channel.k8s.io");

        socket.sendBinary(ByteBuffer.wrap(new byte[] {0, 'h', 'i', '\n'}), true).join();
        await().atMost(Duration.ofSeconds(10)).until(() -> frames.text(1).equals("HI\n"));
        socket.sendBinary(ByteBuffer.wrap(new byte[] {(byte) 255, 0}), true).join();

        assertThat(frames.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        assertThat(frames.messages.get(0)).as("the agent's opening frame, byte for byte").containsExactly(1);
        byte[] last = frames.messages.get(frames.messages.size() - 1);
        assertThat(last[0]).isEqualTo((byte) 3);
        JsonNode status = Json.tree(Arrays.copyOfRange(last, 1, last.length));
        assertThat(status.path("reason").asString()).isEqualTo("NonZeroExitCode");
        assertThat(status.path("details").path("causes").get(0).path("message").asString()).isEqualTo("7");
        FakeNodeAgent.Seen seen = agent.seen.stream().filter(s -> s.path().equals("/exec/team/web/c")).findFirst()
                .orElseThrow();
        assertThat(seen.query().get("command")).containsExactly("sh", "-c", "echo a+b");
        assertThat(seen.query()).containsEntry("stdin", List.of("true")).containsEntry("stderr", List.of("true"))
                .containsEntry("tty", List.of("false"));
        assertThat(seen.protocol()).isEqualTo("v5.channel.k8s.io");
        assertThat(seen.client()).isEqualTo("CN=system:berth-apiserver-kubelet-client");
    }

    @Test
    void execIsRefusedBeforeTheUpgradeWhenItCannotRun() {
        assertThat(handshake(PODS + "creating/exec?command=ls", "v5.channel.k8s.io")).isEqualTo(400);
        assertThat(handshake(PODS + "nothere/exec?command=ls", "v5.channel.k8s.io")).isEqualTo(404);
        assertThat(handshake(PODS + "pending/exec?command=ls", "v5.channel.k8s.io")).isEqualTo(400);
        assertThat(handshake(PODS + "web/exec?stdout=true", "v5.channel.k8s.io")).isEqualTo(400);
        assertThat(handshake(PODS + "web/exec?command=ls", "v3.channel.k8s.io")).isEqualTo(400);
        // a client whose upgrade was refused falls back to SPDY: the refusal of SPDY says why exec cannot run first
        assertStatus(api.send("POST", PODS + "creating/exec?command=ls", null, null, "admin", ADMIN), 400,
                "BadRequest", "container \"c\" in pod \"creating\" is waiting to start: ContainerCreating");
        HttpResponse<String> spdy = api.send("POST", PODS + "web/exec?command=ls", null, null, "admin", ADMIN);
        assertStatus(spdy, 400, "BadRequest", "Upgrade request required: Berth serves exec only over WebSocket "
                + "(subprotocol v5.channel.k8s.io or v4.channel.k8s.io); SPDY is not supported. kubectl 1.30 and "
                + "later use WebSocket unless KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false");
    }

    @Test
    void anAgentThatCannotBeReachedIsReportedOnTheErrorStream() throws Exception {
        Frames frames = new Frames();
        exec(PODS + "lost/exec?command=ls", frames, "v4.channel.k8s.io");

        assertThat(frames.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        JsonNode status = Json.tree(Arrays.copyOfRange(frames.messages.get(0), 1, frames.messages.get(0).length));
        assertThat(frames.messages.get(0)[0]).isEqualTo((byte) 3);
        assertThat(status.path("code").asInt()).isEqualTo(500);
        assertThat(status.path("message").asString()).contains("error dialing backend \"wss://127.0.0.1:");
    }

    @Test
    void anAgentsRefusalIsReportedOnTheErrorStreamWithItsStatus() throws Exception {
        Frames frames = new Frames();
        exec(PODS + "gone/exec?command=ls", frames, "v5.channel.k8s.io");

        assertThat(frames.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        byte[] first = frames.messages.get(0);
        assertThat(first[0]).isEqualTo((byte) 3);
        JsonNode status = Json.tree(Arrays.copyOfRange(first, 1, first.length));
        assertThat(status.path("code").asInt()).isEqualTo(404);
        assertThat(status.path("message").asString()).isEqualTo("container \"c\" not found in pod \"gone\"");
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(api.url() + path)).header("X-Remote-User", "admin")
                .header("X-Remote-Group", "system:masters");
    }

    private WebSocket exec(String path, Frames frames, String... protocols) {
        WebSocket.Builder builder = api.client().newWebSocketBuilder().header("X-Remote-User", "admin")
                .header("X-Remote-Group", "system:masters");
        builder.subprotocols(protocols[0], Arrays.copyOfRange(protocols, 1, protocols.length));
        return builder.buildAsync(URI.create(api.url().replace("https", "wss") + path), frames).join();
    }

    private int handshake(String path, String protocol) {
        try {
            exec(path, new Frames(), protocol).abort();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    private static String line(BufferedReader reader) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return reader.readLine();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(10, TimeUnit.SECONDS);
    }

    private void node(String name, int port) {
        created(api.post("/api/v1/nodes", "{\"metadata\":{\"name\":\"" + name + "\"},\"status\":{\"addresses\":"
                + "[{\"type\":\"InternalIP\",\"address\":\"127.0.0.1\"}],\"daemonEndpoints\":{\"kubeletEndpoint\":"
                + "{\"Port\":" + port + "}}}}", "admin", ADMIN));
    }

    private static String running(String container) {
        return "{\"name\":\"" + container + "\",\"ready\":true,\"restartCount\":0,\"image\":\"host\",\"imageID\":\"\","
                + "\"containerID\":\"runc://" + container + "\",\"state\":{\"running\":{\"startedAt\":"
                + "\"2024-05-06T10:00:00Z\"}}}";
    }

    private void pod(String name, String node, List<String> containers, String status) {
        StringBuilder spec = new StringBuilder("{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{");
        if (node != null) {
            spec.append("\"nodeName\":\"").append(node).append("\",");
        }
        spec.append("\"containers\":[").append(String.join(",", containers.stream()
                .map(c -> "{\"name\":\"" + c + "\",\"image\":\"host\"}").toList())).append("]}}");
        created(api.post("/api/v1/namespaces/team/pods", spec.toString(), "admin", ADMIN));
        if (status != null) {
            HttpResponse<String> patched = api.patch(PODS + name + "/status",
                    "{\"status\":{\"phase\":\"Running\",\"containerStatuses\":[" + status + "]}}", "admin", ADMIN);
            assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        }
    }

    private static void created(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    private static String message(HttpResponse<String> response) {
        return Json.tree(response.body().getBytes(StandardCharsets.UTF_8)).path("message").asString();
    }

    private static void assertStatus(HttpResponse<String> response, int code, String reason, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(code);
        JsonNode status = Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
        assertThat(status.path("kind").asString()).isEqualTo("Status");
        assertThat(status.path("reason").asString()).isEqualTo(reason);
        assertThat(status.path("message").asString()).isEqualTo(message);
    }

    /** Every binary message (reassembled) and the close code of a JDK WebSocket. */
    static final class Frames implements WebSocket.Listener {
        final List<byte[]> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();

        @Override
        public java.util.concurrent.CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            partial.writeBytes(bytes);
            if (last) {
                messages.add(partial.toByteArray());
                partial.reset();
            }
            socket.request(1);
            return null;
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
            closed.complete(code);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            closed.completeExceptionally(error);
        }

        String text(int stream) {
            StringBuilder out = new StringBuilder();
            messages.stream().filter(m -> m.length > 0 && m[0] == stream)
                    .forEach(m -> out.append(new String(m, 1, m.length - 1, StandardCharsets.UTF_8)));
            return out.toString();
        }
    }
}
