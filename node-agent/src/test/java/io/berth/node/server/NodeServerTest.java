package io.berth.node.server;

import io.berth.apimachinery.json.Json;
import io.berth.node.pods.PodLocator;
import io.berth.node.runtime.ContainerRuntime;
import io.berth.testkit.PemSsl;
import io.berth.testkit.Pki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;

import javax.net.ssl.SSLContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The logs/exec endpoint as the api-service meets it: the real Spring server with the agent's application.yml (HTTPS,
 * client certificate required), a stub pod locator and a runtime whose exec runs local processes.
 */
class NodeServerTest {

    static final Path PKI = Pki.shared();
    static final StubRuntime STUB = new StubRuntime();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(NodeServerConfiguration.class)
    static class Agent {
        @Bean
        PodLocator podLocator() {
            return STUB::find;
        }

        @Bean
        ContainerRuntime containerRuntime() {
            return STUB;
        }
    }

    @TempDir
    static Path logs;
    static ConfigurableApplicationContext agent;
    static String base;
    static HttpClient apiService;

    @BeforeAll
    static void start() {
        agent = new SpringApplicationBuilder(Agent.class).run("--berth.pki.dir=" + PKI, "--server.port=0",
                "--management.server.port=0");
        base = "https://127.0.0.1:" + ((WebServerApplicationContext) agent).getWebServer().getPort();
        apiService = client(PemSsl.mutual(PKI.resolve(Pki.CA_CERT), PKI.resolve(Pki.APISERVER_KUBELET_CLIENT_CERT),
                PKI.resolve(Pki.APISERVER_KUBELET_CLIENT_KEY)));
    }

    @AfterAll
    static void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    static HttpClient client(SSLContext ssl) {
        return HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    static PodLocator.Located running(String container, Path current, Path previous) {
        return new PodLocator.Located("uid-1", container, "cid-" + container, true, current, previous);
    }

    static HttpResponse<String> get(String path) throws Exception {
        return apiService.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void logsAreTheContainersLinesWithTheAskedOptions() throws Exception {
        Path current = Files.writeString(logs.resolve("web-1.log"), """
                2024-05-06T10:00:01Z stdout F one
                2024-05-06T10:00:02Z stderr P tw
                2024-05-06T10:00:02Z stderr F o
                2024-05-06T10:00:03Z stdout F three
                """);
        Path previous = Files.writeString(logs.resolve("web-0.log"), "2024-05-06T09:00:00Z stdout F before\n");
        STUB.put("ns", "logs", running("web", current, previous));

        HttpResponse<String> all = get("/containerLogs/ns/logs/web");
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.headers().firstValue("Content-Type")).hasValue("text/plain");
        assertThat(all.body()).isEqualTo("one\ntwo\nthree\n");
        assertThat(get("/containerLogs/ns/logs/web?tailLines=2&timestamps=true").body())
                .isEqualTo("2024-05-06T10:00:02Z two\n2024-05-06T10:00:03Z three\n");
        assertThat(get("/containerLogs/ns/logs/web?sinceTime=2024-05-06T10:00:03Z").body()).isEqualTo("three\n");
        assertThat(get("/containerLogs/ns/logs/web?limitBytes=5").body()).isEqualTo("one\nt");
        assertThat(get("/containerLogs/ns/logs/web?previous=true").body()).isEqualTo("before\n");
    }

    @Test
    void logErrorsAreStatuses() throws Exception {
        STUB.put("ns", "fresh", new PodLocator.Located("uid-2", "c", null, false, null, null));

        assertStatus(get("/containerLogs/ns/nowhere/c"), 404, "NotFound",
                "container \"c\" not found in pod \"nowhere\"");
        assertStatus(get("/containerLogs/ns/fresh/c?previous=true"), 400, "BadRequest",
                "previous terminated container \"c\" in pod \"fresh\" not found");
        assertStatus(get("/containerLogs/ns/fresh/c"), 400, "BadRequest",
                "container \"c\" in pod \"fresh\" is waiting to start - no logs yet");
        assertStatus(get("/containerLogs/ns/fresh/c?tailLines=-1"), 422, "Invalid",
                "PodLogOptions \"fresh\" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0");
    }

    @Test
    void aFollowedLogStreamsWhatTheContainerWritesAndEndsWhenItStops() throws Exception {
        Path current = Files.writeString(logs.resolve("follow.log"), "2024-05-06T10:00:01Z stdout F first\n");
        STUB.put("ns", "follow", running("app", current, null));
        HttpResponse<InputStream> response = apiService.send(HttpRequest.newBuilder(
                URI.create(base + "/containerLogs/ns/follow/app?follow=true")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        try (BufferedReader body = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertThat(body.readLine()).isEqualTo("first");

            Files.writeString(current, "2024-05-06T10:00:02Z stdout F second\n", StandardOpenOption.APPEND);
            assertThat(body.readLine()).isEqualTo("second");

            Files.writeString(current, "2024-05-06T10:00:03Z stdout F last words\n", StandardOpenOption.APPEND);
            STUB.put("ns", "follow", new PodLocator.Located("uid-1", "app", "cid-app", false, current, null));
            assertThat(body.readLine()).isEqualTo("last words");
            assertThat(body.readLine()).as("the stream ends with the run").isNull();
        }
    }

    @Test
    void aFollowedLogEndsWhenTheContainerRestartsIntoANewRun() throws Exception {
        Path current = Files.writeString(logs.resolve("restart.log"), "2024-05-06T10:00:01Z stdout F run 0\n");
        STUB.put("ns", "restart", running("app", current, null));
        HttpResponse<InputStream> response = apiService.send(HttpRequest.newBuilder(
                URI.create(base + "/containerLogs/ns/restart/app?follow=1")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader body = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertThat(body.readLine()).isEqualTo("run 0");

            STUB.put("ns", "restart", new PodLocator.Located("uid-1", "app", "cid-next", true,
                    logs.resolve("restart-1.log"), current));
            assertThat(body.readLine()).isNull();
        }
    }

    @Test
    void execPumpsStandardInputToTheCommandAndItsOutputBack() throws Exception {
        STUB.put("ns", "exec", running("sh", null, null));
        WebSocketFrames frames = new WebSocketFrames();
        WebSocket socket = exec("/exec/ns/exec/sh?command=cat&stdin=true&stdout=true&stderr=true", frames);

        socket.sendBinary(WebSocketFrames.frame(0, "hello "), true).join();
        socket.sendBinary(WebSocketFrames.frame(0, "world\n"), true).join();
        await().atMost(Duration.ofSeconds(10)).until(() -> frames.stream(1).equals("hello world\n"));
        socket.sendBinary(WebSocketFrames.close(0), true).join();

        assertThat(frames.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        assertThat(frames.messages.get(0)).as("an empty frame on stdout opens the session").containsExactly(1);
        assertThat(status(frames).path("status").asString()).isEqualTo("Success");
        assertThat(socket.getSubprotocol()).isEqualTo("v5.channel.k8s.io");
    }

    @Test
    void execReportsStandardErrorAndTheExitCodeAfterAllOutput() throws Exception {
        STUB.put("ns", "fail", running("sh", null, null));
        WebSocketFrames frames = new WebSocketFrames();
        exec("/exec/ns/fail/sh?command=sh&command=-c&command=" + encode("echo out; echo err >&2; exit 3")
                + "&stdout=true&stderr=true", frames);

        assertThat(frames.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        assertThat(frames.stream(1)).isEqualTo("out\n");
        assertThat(frames.stream(2)).isEqualTo("err\n");
        byte[] last = frames.messages.get(frames.messages.size() - 1);
        assertThat(last[0]).as("the status is the last frame").isEqualTo((byte) 3);
        JsonNode status = status(frames);
        assertThat(status.path("status").asString()).isEqualTo("Failure");
        assertThat(status.path("reason").asString()).isEqualTo("NonZeroExitCode");
        assertThat(status.path("details").path("causes").get(0).path("message").asString()).isEqualTo("3");
        assertThat(STUB.execs).contains(List.of("sh", "-c", "echo out; echo err >&2; exit 3"));
    }

    @Test
    void withoutStandardInputTheCommandReadsEndOfFileAtOnce() throws Exception {
        STUB.put("ns", "nostdin", running("sh", null, null));
        WebSocketFrames frames = new WebSocketFrames();
        exec("/exec/ns/nostdin/sh?command=cat&stdin=false", frames);

        assertThat(frames.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        assertThat(status(frames).path("status").asString()).isEqualTo("Success");
    }

    @Test
    void aClientThatGoesAwayHasItsCommandKilled() throws Exception {
        STUB.put("ns", "abandoned", running("sh", null, null));
        WebSocketFrames frames = new WebSocketFrames();
        Path marker = logs.resolve("pid");
        WebSocket socket = exec("/exec/ns/abandoned/sh?command=sh&command=-c&command="
                + encode("echo $$ > " + marker + "; echo started; exec sleep 60"), frames);
        await().atMost(Duration.ofSeconds(10)).until(() -> frames.stream(1).equals("started\n"));
        long pid = Long.parseLong(Files.readString(marker).trim());

        socket.abort();

        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void execIsRefusedBeforeTheUpgradeWithAStatus() throws Exception {
        STUB.put("ns", "stopped", new PodLocator.Located("uid-3", "c", "cid-old", false, null, null));
        STUB.put("ns", "up", running("c", null, null));

        assertStatus(get("/exec/ns/up/c?command=ls"), 400, "BadRequest",
                "exec needs a WebSocket upgrade with the subprotocol v5.channel.k8s.io or v4.channel.k8s.io; SPDY is "
                        + "not supported");
        assertThat(handshake("/exec/ns/stopped/c?command=ls", "v5.channel.k8s.io")).isEqualTo(400);
        assertThat(handshake("/exec/ns/gone/c?command=ls", "v5.channel.k8s.io")).isEqualTo(404);
        assertThat(handshake("/exec/ns/up/c?stdout=true", "v5.channel.k8s.io")).isEqualTo(400);
        assertThat(handshake("/exec/ns/up/c?command=ls", "v3.channel.k8s.io")).isEqualTo(400);
        assertThat(handshake("/exec/ns/up/c?command=ls", "v4.channel.k8s.io")).isEqualTo(101);
    }

    @Test
    void onlyTheApiServicesCertificateGetsThrough() {
        HttpClient noCertificate = client(PemSsl.trusting(PKI.resolve(Pki.CA_CERT)));
        HttpClient gateway = client(PemSsl.mutual(PKI.resolve(Pki.CA_CERT), PKI.resolve(Pki.FRONT_PROXY_CLIENT_CERT),
                PKI.resolve(Pki.FRONT_PROXY_CLIENT_KEY)));
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/containerLogs/ns/logs/web")).build();

        assertThatThrownBy(() -> noCertificate.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> gateway.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    private static WebSocket exec(String path, WebSocketFrames frames) {
        return apiService.newWebSocketBuilder().subprotocols("v5.channel.k8s.io", "v4.channel.k8s.io")
                .buildAsync(URI.create(base.replace("https", "wss") + path), frames).join();
    }

    /** The handshake's HTTP status: 101 when the upgrade was accepted. */
    private static int handshake(String path, String protocol) {
        try {
            WebSocket socket = apiService.newWebSocketBuilder().subprotocols(protocol)
                    .buildAsync(URI.create(base.replace("https", "wss") + path), new WebSocketFrames()).join();
            socket.abort();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    private static JsonNode status(WebSocketFrames frames) {
        byte[] last = frames.messages.stream().filter(m -> m.length > 0 && m[0] == 3).reduce((a, b) -> b)
                .orElseThrow();
        return Json.tree(Arrays.copyOfRange(last, 1, last.length));
    }

    private static void assertStatus(HttpResponse<String> response, int code, String reason, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(code);
        JsonNode status = Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
        assertThat(status.path("kind").asString()).isEqualTo("Status");
        assertThat(status.path("reason").asString()).isEqualTo(reason);
        assertThat(status.path("message").asString()).isEqualTo(message);
    }

    private static String encode(String arg) {
        return java.net.URLEncoder.encode(arg, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
