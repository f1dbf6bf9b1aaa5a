package io.berth.apiserver.protobuf;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The real kubectl 1.32 against a plain-HTTP stub that records each request body and answers the object
 * {@link ProtobufBodies} decoded from it (a 400 Status if it could not), so kubectl's own output shows the decode.
 */
class KubectlProtobufBodiesTest {

    private static HttpServer server;
    /** Request line → (Content-Type, body) of every request with a body. */
    private static final Map<String, Recorded> bodies = new ConcurrentHashMap<>();
    @TempDir
    static Path home;

    record Recorded(String contentType, byte[] body) {
    }

    @BeforeAll
    static void startStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", KubectlProtobufBodiesTest::handle);
        server.start();
    }

    @AfterAll
    static void stopStub() {
        server.stop(0);
    }

    @Test
    void kubectlCreateNamespaceSendsAProtobufNamespaceThatDecodes() throws Exception {
        Result result = kubectl("create", "namespace", "demo");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("namespace/demo created");
        Recorded sent = bodies.get("POST /api/v1/namespaces");
        assertThat(sent.contentType()).isEqualTo("application/vnd.kubernetes.protobuf");
        assertThat(sent.body()).startsWith(new byte[] {'k', '8', 's', 0});
        JsonNode tree = ProtobufBodies.decode(sent.body());
        assertThat(tree.path("apiVersion").asString()).isEqualTo("v1");
        assertThat(tree.path("kind").asString()).isEqualTo("Namespace");
        assertThat(tree.path("metadata").path("name").asString()).isEqualTo("demo");
        assertThat(tree.path("metadata").has("creationTimestamp")).isFalse();
    }

    @Test
    void kubectlCreateConfigMapSendsItsLiteralsAsData() throws Exception {
        Result result = kubectl("create", "configmap", "x", "--from-literal=a=b", "-n", "default");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("configmap/x created");
        JsonNode tree = ProtobufBodies.decode(bodies.get("POST /api/v1/namespaces/default/configmaps").body());
        assertThat(tree.path("kind").asString()).isEqualTo("ConfigMap");
        assertThat(tree.path("metadata").path("name").asString()).isEqualTo("x");
        assertThat(tree.path("metadata").path("namespace").asString()).isEqualTo("default");
        assertThat(tree.path("data")).isEqualTo(Json.tree("{\"a\":\"b\"}".getBytes()));
    }

    @Test
    void kubectlCreateSecretSendsBytesThatBecomeBase64() throws Exception {
        Result result = kubectl("create", "secret", "generic", "s", "--from-literal=k=v", "-n", "default");

        assertThat(result.exitCode()).as(result.output()).isZero();
        JsonNode tree = ProtobufBodies.decode(bodies.get("POST /api/v1/namespaces/default/secrets").body());
        assertThat(tree.path("data").path("k").asString()).isEqualTo("dg==");
    }

    @Test
    void kubectlCreateDeploymentSendsReplicasAndTheContainerPort() throws Exception {
        Result result = kubectl("create", "deployment", "web", "--image=nginx", "--port=80", "--replicas=2",
                "-n", "default");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("deployment.apps/web created");
        JsonNode tree = ProtobufBodies.decode(
                bodies.get("POST /apis/apps/v1/namespaces/default/deployments").body());
        assertThat(tree.path("spec").path("replicas").asInt()).isEqualTo(2);
        JsonNode container = tree.path("spec").path("template").path("spec").path("containers").path(0);
        assertThat(container.path("image").asString()).isEqualTo("nginx");
        assertThat(container.path("ports").path(0).path("containerPort").asInt()).isEqualTo(80);
    }

    @Test
    void kubectlAuthWhoamiSendsASelfSubjectReview() throws Exception {
        Result result = kubectl("auth", "whoami");

        assertThat(result.exitCode()).as(result.output()).isZero();
        JsonNode tree = ProtobufBodies.decode(
                bodies.get("POST /apis/authentication.k8s.io/v1/selfsubjectreviews").body());
        assertThat(tree.path("apiVersion").asString()).isEqualTo("authentication.k8s.io/v1");
        assertThat(tree.path("kind").asString()).isEqualTo("SelfSubjectReview");
    }

    @Test
    void kubectlAuthCanISendsASelfSubjectAccessReview() throws Exception {
        Result result = kubectl("auth", "can-i", "create", "configmaps", "-n", "default");

        assertThat(result.output()).as(result.output()).contains("no");
        JsonNode tree = ProtobufBodies.decode(
                bodies.get("POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews").body());
        assertThat(tree.path("spec").path("resourceAttributes")).isEqualTo(Json.tree(
                "{\"namespace\":\"default\",\"verb\":\"create\",\"resource\":\"configmaps\"}".getBytes()));
    }

    private static void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (!method.equals("POST")) {
                byte[] discovery = discovery(path);
                respond(exchange, discovery == null ? 404 : 200, discovery == null
                        ? "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":404}".getBytes()
                        : discovery);
                return;
            }
            bodies.put(method + " " + path, new Recorded(exchange.getRequestHeaders().getFirst("Content-Type"), body));
            try {
                ObjectNode object = (ObjectNode) ProtobufBodies.decode(body);
                if (path.endsWith("selfsubjectaccessreviews")) {
                    object.putObject("status").put("allowed", false);
                }
                respond(exchange, 201, Json.write(object));
            } catch (ApiException e) {
                respond(exchange, e.code(), Json.write(e.status()));
            }
        }
    }

    /** Legacy discovery: enough for kubectl auth can-i to map its resource. */
    private static byte[] discovery(String path) {
        return switch (path) {
            case "/version" -> "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0-berth\"}".getBytes();
            case "/api" -> "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":[]}"
                    .getBytes();
            case "/apis" -> "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[]}".getBytes();
            case "/api/v1" -> ("{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":["
                    + resource("namespaces", "namespace", "Namespace", false) + ","
                    + resource("configmaps", "configmap", "ConfigMap", true) + "]}").getBytes();
            default -> null;
        };
    }

    private static String resource(String name, String singular, String kind, boolean namespaced) {
        return "{\"name\":\"" + name + "\",\"singularName\":\"" + singular + "\",\"namespaced\":" + namespaced
                + ",\"kind\":\"" + kind + "\",\"verbs\":[\"create\",\"get\",\"list\"]}";
    }

    private static void respond(HttpExchange exchange, int code, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result kubectl(String... args) throws Exception {
        Path kubeconfig = home.resolve("kubeconfig");
        if (!Files.exists(kubeconfig)) {
            Files.writeString(kubeconfig, "");
        }
        List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString(),
                "--server", "http://127.0.0.1:" + server.getAddress().getPort(),
                "--cache-dir", home.resolve("cache").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("HOME", home.toString());
        builder.environment().remove("KUBECONFIG");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return fail("kubectl 1.32 must be on PATH for this test (install it, e.g. from "
                    + "https://dl.k8s.io/release/v1.32.0/bin/linux/amd64/kubectl): " + e.getMessage());
        }
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return fail("kubectl did not finish in 60 s: " + new String(output, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
