package io.berth.e2e;

import io.berth.apimachinery.json.Json;
import io.berth.testkit.ClusterHarness;
import io.berth.testkit.EtcdProcess;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import javax.net.ssl.SSLException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of bad input gets its Kubernetes Status code and reason through the gateway, and nothing is written:
 * etcd's revision is the same after the request as before it.
 */
class BadInputTest {

    private static final String NS = "bad-input";
    private static ClusterHarness cluster;
    private static Http http;
    private static Client etcd;

    record Case(String description, String method, String path, String contentType, byte[] body, int code,
                String reason, String messagePart) {
        @Override
        public String toString() {
            return description;
        }
    }

    @BeforeAll
    static void setUp() throws SSLException {
        cluster = SharedCluster.get();
        http = new Http(cluster);
        EtcdProcess e = cluster.etcd();
        etcd = Client.builder().endpoints(e.endpoint())
                .sslContext(ssl -> ssl.trustManager(e.caCert().toFile())
                        .keyManager(e.clientCert().toFile(), e.clientKey().toFile()))
                .build();
        HttpResponse<String> ns = http.send("POST", "/api/v1/namespaces", cluster.adminToken(), "application/json",
                bytes("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + NS + "\"}}"));
        assertThat(ns.statusCode()).as(ns.body()).isEqualTo(201);
        HttpResponse<String> cm = http.send("POST", "/api/v1/namespaces/" + NS + "/configmaps", cluster.adminToken(),
                "application/json", bytes("{\"metadata\":{\"name\":\"existing\"},\"data\":{\"a\":\"b\"}}"));
        assertThat(cm.statusCode()).as(cm.body()).isEqualTo(201);
    }

    @AfterAll
    static void tearDown() {
        etcd.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String pod(String name, String containers) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"spec\":{\"containers\":" + containers + "}}";
    }

    private static final String PODS = "/api/v1/namespaces/" + NS + "/pods";
    private static final String CONTAINERS = "[{\"name\":\"c\",\"image\":\"busybox\"}]";

    static List<Case> cases() {
        String big = "x".repeat(3 * 1024 * 1024 + 10);
        String bigPod = "{\"metadata\":{\"name\":\"bigpod\"},\"spec\":{\"containers\":[{\"name\":\"c\","
                + "\"image\":\"busybox\",\"args\":[\"" + "z".repeat(1_700_000) + "\"]}]}}";
        String bigObject = "{\"metadata\":{\"name\":\"big\"},\"data\":{\"blob\":\"" + "y".repeat(1_700_000) + "\"}}";
        return List.of(
                new Case("malformed JSON is a bad request", "POST", PODS, "application/json",
                        bytes("{\"apiVersion\": \"v1\", \"kind\": "), 400, "BadRequest", "json"),
                new Case("malformed YAML is a bad request", "POST", PODS, "application/yaml",
                        bytes("apiVersion: v1\nkind: Pod\nmetadata: [\n  name: x"), 400, "BadRequest", "YAML"),
                new Case("a kind that does not match the path is a bad request", "POST", PODS, "application/json",
                        bytes("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\"}}"), 400,
                        "BadRequest", "Service"),
                new Case("an apiVersion that does not match the path is a bad request", "POST", PODS,
                        "application/json", bytes("{\"apiVersion\":\"apps/v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"}}"),
                        400, "BadRequest", "apps/v1"),
                new Case("a name in the body that differs from the URL is a bad request", "PUT",
                        "/api/v1/namespaces/" + NS + "/configmaps/existing", "application/json",
                        bytes("{\"metadata\":{\"name\":\"other\"},\"data\":{\"a\":\"c\"}}"), 400, "BadRequest",
                        "does not match the name on the URL"),
                new Case("a namespace in the body that differs from the URL is a bad request", "POST",
                        "/api/v1/namespaces/" + NS + "/configmaps", "application/json",
                        bytes("{\"metadata\":{\"name\":\"x\",\"namespace\":\"default\"}}"), 400, "BadRequest",
                        "namespace"),
                new Case("an upper-case name is invalid", "POST", PODS, "application/json",
                        bytes(pod("Not_Valid", CONTAINERS)), 422, "Invalid", "metadata.name"),
                new Case("a name with a slash is invalid", "POST", "/api/v1/namespaces/" + NS + "/configmaps",
                        "application/json", bytes("{\"metadata\":{\"name\":\"a.b..c\"}}"), 422, "Invalid",
                        "metadata.name"),
                new Case("a missing name is invalid", "POST", "/api/v1/namespaces/" + NS + "/configmaps",
                        "application/json", bytes("{\"metadata\":{}}"), 422, "Invalid", "name or generateName is required"),
                new Case("a body over 3 MiB is too large", "POST", "/api/v1/namespaces/" + NS + "/configmaps",
                        "application/json", bytes(big), 413, "RequestEntityTooLarge", "limit"),
                new Case("a ConfigMap over 1 MiB is invalid, as Kubernetes validates it", "POST",
                        "/api/v1/namespaces/" + NS + "/configmaps", "application/json", bytes(bigObject), 422, "Invalid",
                        "may not be more than 1048576 bytes"),
                new Case("an object over 1.5 MiB is too large to store", "POST", PODS, "application/json",
                        bytes(bigPod), 413, "RequestEntityTooLarge", "too large"),
                new Case("an unknown resource is not found", "GET", "/api/v1/namespaces/" + NS + "/gizmos", null,
                        null, 404, "NotFound", "could not find"),
                new Case("an unknown group is not found", "GET", "/apis/example.com/v1/widgets", null, null, 404,
                        "NotFound", "could not find"),
                new Case("an unsupported media type is refused", "POST", PODS, "text/plain",
                        bytes(pod("p", CONTAINERS)), 415, "UnsupportedMediaType", "unknown format"),
                new Case("an unsupported patch type is refused", "PATCH",
                        "/api/v1/namespaces/" + NS + "/configmaps/existing", "application/json",
                        bytes("{\"data\":{\"a\":\"z\"}}"), 415, "UnsupportedMediaType", "json-patch"),
                new Case("a pod without containers is invalid", "POST", PODS, "application/json",
                        bytes(pod("empty", "[]")), 422, "Invalid", "spec.containers"),
                new Case("a container without an image is invalid", "POST", PODS, "application/json",
                        bytes(pod("noimage", "[{\"name\":\"c\"}]")), 422, "Invalid", "spec.containers[0].image"),
                new Case("a service port out of range is invalid", "POST", "/api/v1/namespaces/" + NS + "/services",
                        "application/json", bytes("{\"metadata\":{\"name\":\"svc\"},\"spec\":{\"ports\":[{\"port\":70000}]}}"),
                        422, "Invalid", "spec.ports[0].port"),
                new Case("negative replicas are invalid", "POST", "/apis/apps/v1/namespaces/" + NS + "/deployments",
                        "application/json", bytes("{\"metadata\":{\"name\":\"d\"},\"spec\":{\"replicas\":-1,"
                                + "\"selector\":{\"matchLabels\":{\"a\":\"b\"}},\"template\":{\"metadata\":{\"labels\":"
                                + "{\"a\":\"b\"}},\"spec\":{\"containers\":" + CONTAINERS + "}}}}"),
                        422, "Invalid", "spec.replicas"),
                new Case("a string where a number belongs is a bad request", "POST",
                        "/apis/apps/v1/namespaces/" + NS + "/deployments", "application/json",
                        bytes("{\"metadata\":{\"name\":\"d2\"},\"spec\":{\"replicas\":\"three\"}}"), 400, "BadRequest",
                        "replicas"),
                new Case("an unknown field with fieldValidation=Strict is a bad request", "POST",
                        PODS + "?fieldValidation=Strict", "application/json",
                        bytes("{\"metadata\":{\"name\":\"strict\"},\"spec\":{\"containers\":[{\"name\":\"c\","
                                + "\"image\":\"busybox\",\"imagePullPolicyy\":\"Never\"}]}}"), 400, "BadRequest",
                        "unknown field \\\"spec.containers[0].imagePullPolicyy\\\""),
                new Case("a malformed label selector is a bad request", "GET", PODS + "?labelSelector=a%20in%20(b",
                        null, null, 400, "BadRequest", "unable to parse requirement"),
                new Case("an unsupported field selector is a bad request", "GET", PODS + "?fieldSelector=spec.image%3Dx",
                        null, null, 400, "BadRequest", "field label not supported"),
                new Case("a damaged continue token is a bad request", "GET", PODS + "?limit=1&continue=garbage",
                        null, null, 400, "BadRequest", "continue"),
                new Case("a non-numeric resourceVersion is a bad request", "GET", PODS + "?resourceVersion=abc",
                        null, null, 400, "BadRequest", "resource version"),
                new Case("creating in a missing namespace is not found", "POST", "/api/v1/namespaces/nope/configmaps",
                        "application/json", bytes("{\"metadata\":{\"name\":\"x\"}}"), 404, "NotFound",
                        "namespaces \\\"nope\\\" not found"),
                new Case("deleting the default namespace is forbidden", "DELETE", "/api/v1/namespaces/default",
                        null, null, 403, "Forbidden", "may not be deleted"),
                new Case("binding needs a target node", "POST", PODS + "/nobody/binding", "application/json",
                        bytes("{\"metadata\":{\"name\":\"nobody\"},\"target\":{}}"), 422, "Invalid", "target.name"),
                new Case("a JSON patch that removes a missing path is refused", "PATCH",
                        "/api/v1/namespaces/" + NS + "/configmaps/existing", "application/json-patch+json",
                        bytes("[{\"op\":\"remove\",\"path\":\"/data/missing\"}]"), 422, "Invalid", ""),
                new Case("a strategic merge patch with an unknown directive is refused", "PATCH",
                        "/api/v1/namespaces/" + NS + "/configmaps/existing", "application/strategic-merge-patch+json",
                        bytes("{\"data\":{\"$patch\":\"explode\"}}"), 400, "BadRequest", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputGetsItsStatusAndWritesNothing(Case c) {
        long before = revision();

        HttpResponse<String> response = http.send(c.method(), c.path(), cluster.adminToken(), c.contentType(), c.body());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(c.code());
        JsonNode status = Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
        assertThat(status.path("kind").asString("")).isEqualTo("Status");
        assertThat(status.path("status").asString("")).isEqualTo("Failure");
        assertThat(status.path("code").asInt()).isEqualTo(c.code());
        assertThat(status.path("reason").asString("")).isEqualTo(c.reason());
        assertThat(response.body()).contains(c.messagePart());
        assertThat(writtenSince(before)).as("keys written by the request").isEmpty();
    }

    /**
     * The keys written after {@code revision}, but for the shared cluster's own heartbeats (node Leases and status,
     * Events), which go on whatever a test does.
     */
    private static java.util.List<String> writtenSince(long revision) {
        return etcd.getKVClient().get(ByteSequence.from("/registry/", StandardCharsets.UTF_8), GetOption.builder()
                        .isPrefix(true).withKeysOnly(true).withMinModRevision(revision + 1).build()).join().getKvs()
                .stream().map(kv -> kv.getKey().toString(StandardCharsets.UTF_8))
                .filter(k -> !k.contains("/leases/") && !k.contains("/nodes/") && !k.contains("/events/"))
                .toList();
    }

    private static long revision() {
        return etcd.getKVClient().get(ByteSequence.from("/registry/none", StandardCharsets.UTF_8),
                GetOption.builder().withCountOnly(true).build()).join().getHeader().getRevision();
    }
}
