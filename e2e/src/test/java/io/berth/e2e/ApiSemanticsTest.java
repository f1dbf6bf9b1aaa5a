package io.berth.e2e;

import io.berth.apimachinery.json.Json;
import io.berth.testkit.ClusterHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Kubernetes API semantics over HTTP through the gateway: what kubectl and client-go rely on. */
class ApiSemanticsTest {

    private static final String NS = "semantics";
    private static final String PODS = "/api/v1/namespaces/" + NS + "/pods";
    private static ClusterHarness cluster;
    private static Http http;

    @BeforeAll
    static void setUp() {
        cluster = SharedCluster.get();
        http = new Http(cluster);
        ok(post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + NS + "\"}}"), 201);
    }

    private static HttpResponse<String> post(String path, String body) {
        return http.send("POST", path, cluster.adminToken(), "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> send(String method, String path, String contentType, String body) {
        return http.send(method, path, cluster.adminToken(), contentType,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode ok(HttpResponse<String> response, int code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(code);
        return Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
    }

    private static String pod(String name) {
        return "{\"metadata\":{\"name\":\"" + name + "\",\"labels\":{\"app\":\"sem\"}},\"spec\":{\"containers\":"
                + "[{\"name\":\"c\",\"image\":\"busybox:1.36\"}]}}";
    }

    @Test
    void generateNameGivesAUniqueName() {
        JsonNode a = ok(post(PODS, "{\"metadata\":{\"generateName\":\"gen-\"},\"spec\":{\"containers\":"
                + "[{\"name\":\"c\",\"image\":\"busybox\"}]}}"), 201);
        JsonNode b = ok(post(PODS, "{\"metadata\":{\"generateName\":\"gen-\"},\"spec\":{\"containers\":"
                + "[{\"name\":\"c\",\"image\":\"busybox\"}]}}"), 201);
        String nameA = a.path("metadata").path("name").asString("");
        assertThat(nameA).startsWith("gen-").hasSize(9);
        assertThat(b.path("metadata").path("name").asString("")).startsWith("gen-").isNotEqualTo(nameA);
    }

    @Test
    void aBoundPodIsDeletedGracefullyAndAGracePeriodOfZeroRemovesIt() {
        ok(post(PODS, pod("graceful")), 201);
        ok(post(PODS + "/graceful/binding", "{\"metadata\":{\"name\":\"graceful\"},\"target\":{\"kind\":\"Node\","
                + "\"name\":\"node-1\"}}"), 201);
        JsonNode bound = ok(send("GET", PODS + "/graceful", null, null), 200);
        assertThat(bound.path("spec").path("nodeName").asString("")).isEqualTo("node-1");


        JsonNode deleting = ok(send("DELETE", PODS + "/graceful", null, null), 200);
        assertThat(deleting.path("metadata").path("deletionTimestamp").asString("")).isNotEmpty();
        assertThat(deleting.path("metadata").path("deletionGracePeriodSeconds").asLong()).isEqualTo(30);
        assertThat(send("GET", PODS + "/graceful", null, null).statusCode()).isEqualTo(200);

        ok(send("DELETE", PODS + "/graceful?gracePeriodSeconds=0", null, null), 200);
        assertThat(send("GET", PODS + "/graceful", null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void bindingAnAlreadyBoundPodIsAConflict() {
        ok(post(PODS, pod("bind-twice")), 201);
        ok(post(PODS + "/bind-twice/binding", "{\"target\":{\"name\":\"node-a\"}}"), 201);
        HttpResponse<String> again = post(PODS + "/bind-twice/binding", "{\"target\":{\"name\":\"node-b\"}}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("already assigned to node \\\"node-a\\\"");
    }

    @Test
    void anUnboundPodIsDeletedAtOnce() {
        ok(post(PODS, pod("unbound")), 201);
        ok(send("DELETE", PODS + "/unbound", null, null), 200);
        assertThat(send("GET", PODS + "/unbound", null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void theMainResourceIgnoresStatusAndStatusIgnoresTheRest() {
        JsonNode created = ok(post(PODS, pod("status")), 201);
        String rv = created.path("metadata").path("resourceVersion").asString("");
        JsonNode updated = ok(send("PUT", PODS + "/status", "application/json", "{\"metadata\":{\"name\":\"status\","
                + "\"resourceVersion\":\"" + rv + "\",\"labels\":{\"x\":\"y\"}},\"spec\":{\"containers\":[{\"name\":\"c\","
                + "\"image\":\"busybox:1.36\"}]},\"status\":{\"phase\":\"Running\"}}"), 200);
        assertThat(updated.path("status").path("phase").asString("")).isEqualTo("Pending");
        assertThat(updated.path("metadata").path("labels").path("x").asString("")).isEqualTo("y");

        JsonNode statusPatched = ok(send("PATCH", PODS + "/status/status", "application/merge-patch+json",
                "{\"metadata\":{\"labels\":{\"z\":\"w\"}},\"status\":{\"phase\":\"Running\"}}"), 200);
        assertThat(statusPatched.path("status").path("phase").asString("")).isEqualTo("Running");
        assertThat(statusPatched.path("metadata").path("labels").has("z")).isFalse();
    }

    @Test
    void generationMovesOnlyWithTheSpec() {
        String deployment = "{\"metadata\":{\"name\":\"gen\"},\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":"
                + "{\"a\":\"b\"}},\"template\":{\"metadata\":{\"labels\":{\"a\":\"b\"}},\"spec\":{\"containers\":"
                + "[{\"name\":\"c\",\"image\":\"busybox\"}]}}}}";
        String path = "/apis/apps/v1/namespaces/" + NS + "/deployments";
        assertThat(ok(post(path, deployment), 201).path("metadata").path("generation").asLong()).isEqualTo(1);
        assertThat(ok(send("PATCH", path + "/gen", "application/merge-patch+json",
                "{\"metadata\":{\"labels\":{\"l\":\"1\"}}}"), 200).path("metadata").path("generation").asLong())
                .isEqualTo(1);
        assertThat(ok(send("PATCH", path + "/gen", "application/merge-patch+json",
                "{\"spec\":{\"replicas\":4}}"), 200).path("metadata").path("generation").asLong()).isEqualTo(2);
        JsonNode scale = ok(send("GET", path + "/gen/scale", null, null), 200);
        assertThat(scale.path("kind").asString("")).isEqualTo("Scale");
        assertThat(scale.path("spec").path("replicas").asInt()).isEqualTo(4);
        assertThat(scale.path("status").path("selector").asString("")).isEqualTo("a=b");
        JsonNode scaled = ok(send("PATCH", path + "/gen/scale", "application/merge-patch+json",
                "{\"spec\":{\"replicas\":7}}"), 200);
        assertThat(scaled.path("spec").path("replicas").asInt()).isEqualTo(7);
    }

    @Test
    void finalizersHoldADeletedObjectUntilTheLastIsRemoved() {
        String cms = "/api/v1/namespaces/" + NS + "/configmaps";
        ok(post(cms, "{\"metadata\":{\"name\":\"held\",\"finalizers\":[\"example.com/hold\"]}}"), 201);
        JsonNode deleting = ok(send("DELETE", cms + "/held", null, null), 200);
        assertThat(deleting.path("metadata").path("deletionTimestamp").asString("")).isNotEmpty();
        assertThat(send("GET", cms + "/held", null, null).statusCode()).isEqualTo(200);

        ok(send("PATCH", cms + "/held", "application/merge-patch+json", "{\"metadata\":{\"finalizers\":null}}"), 200);
        assertThat(send("GET", cms + "/held", null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void deletingANamespaceMarksItTerminatingAndRefusesNewContent() {
        ok(post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"doomed\"}}"), 201);
        JsonNode ns = ok(send("DELETE", "/api/v1/namespaces/doomed", null, null), 200);
        assertThat(ns.path("status").path("phase").asString("")).isEqualTo("Terminating");

        HttpResponse<String> refused = post("/api/v1/namespaces/doomed/configmaps", "{\"metadata\":{\"name\":\"x\"}}");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("because it is being terminated");
    }

    @Test
    void listPagesWithLimitAndContinue() {
        String cms = "/api/v1/namespaces/" + NS + "/configmaps";
        for (int i = 0; i < 7; i++) {
            ok(post(cms, "{\"metadata\":{\"name\":\"page-" + i + "\",\"labels\":{\"paged\":\"yes\"}}}"), 201);
        }
        List<String> names = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            JsonNode page = ok(send("GET", cms + "?labelSelector=paged%3Dyes&limit=3"
                    + (token.isEmpty() ? "" : "&continue=" + token), null, null), 200);
            page.path("items").forEach(i -> names.add(i.path("metadata").path("name").asString("")));
            token = page.path("metadata").path("continue").asString("");
            pages++;
        } while (!token.isEmpty());
        assertThat(pages).isEqualTo(3);
        assertThat(names).hasSize(7).doesNotHaveDuplicates();
    }

    @Test
    void aListOrWatchForAResourceVersionFromTheFutureIsA504AfterTheWait() {
        JsonNode list = ok(send("GET", PODS, null, null), 200);
        long future = Long.parseLong(list.path("metadata").path("resourceVersion").asString("")) + 100_000;
        HttpResponse<String> tooNew = send("GET", PODS + "?resourceVersion=" + future
                + "&resourceVersionMatch=NotOlderThan", null, null);
        assertThat(tooNew.statusCode()).isEqualTo(504);
        assertThat(tooNew.body()).contains("Too large resource version");
    }

    @Test
    void aChunkedWatchSeesSelectedChangesAndAnObjectLeavingTheSelectorAsDeleted() throws Exception {
        String cms = "/api/v1/namespaces/" + NS + "/configmaps";
        JsonNode list = ok(send("GET", cms, null, null), 200);
        String rv = list.path("metadata").path("resourceVersion").asString("");
        HttpRequest request = HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + cms
                        + "?watch=true&labelSelector=team%3Dblue&resourceVersion=" + rv + "&timeoutSeconds=30"))
                .header("Authorization", "Bearer " + cluster.adminToken())
                .version(java.net.http.HttpClient.Version.HTTP_1_1).GET().build();
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<HttpResponse<Stream<String>>> watch = cluster.httpClient()
                .sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        HttpResponse<Stream<String>> response = watch.get();
        assertThat(response.statusCode()).isEqualTo(200);
        CompletableFuture.runAsync(() -> response.body().forEach(lines::add));

        ok(post(cms, "{\"metadata\":{\"name\":\"w1\",\"labels\":{\"team\":\"blue\"}}}"), 201);
        ok(post(cms, "{\"metadata\":{\"name\":\"w2\",\"labels\":{\"team\":\"red\"}}}"), 201);
        ok(send("PATCH", cms + "/w1", "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"team\":\"red\"}}}"),
                200);

        await().atMost(Duration.ofSeconds(20)).until(() -> lines.size() >= 2);
        JsonNode first = Json.tree(lines.get(0).getBytes(StandardCharsets.UTF_8));
        JsonNode second = Json.tree(lines.get(1).getBytes(StandardCharsets.UTF_8));
        assertThat(first.path("type").asString("")).isEqualTo("ADDED");
        assertThat(first.path("object").path("metadata").path("name").asString("")).isEqualTo("w1");
        assertThat(second.path("type").asString("")).isEqualTo("DELETED");
        assertThat(second.path("object").path("metadata").path("name").asString("")).isEqualTo("w1");
        assertThat(lines).noneMatch(l -> l.contains("\"w2\""));
    }

    @Test
    void aTableListHasKubectlsColumns() {
        HttpResponse<String> table = cluster.httpClient().sendAsync(HttpRequest.newBuilder(URI.create(
                        cluster.gatewayUrl() + "/api/v1/namespaces"))
                .header("Authorization", "Bearer " + cluster.adminToken())
                .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
                .GET().build(), HttpResponse.BodyHandlers.ofString()).join();
        JsonNode body = ok(table, 200);
        assertThat(body.path("kind").asString("")).isEqualTo("Table");
        assertThat(body.path("columnDefinitions").get(0).path("name").asString("")).isEqualTo("Name");
        assertThat(body.path("rows").size()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void aWebSocketWatchDeliversOneEventPerFrame() throws Exception {
        String cms = "/api/v1/namespaces/" + NS + "/configmaps";
        ok(post(cms, "{\"metadata\":{\"name\":\"ws-1\",\"labels\":{\"ws\":\"yes\"}}}"), 201);
        List<String> frames = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.net.http.WebSocket socket = cluster.httpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + cluster.adminToken())
                .buildAsync(URI.create(cluster.gatewayUrl().replace("https://", "wss://") + cms
                        + "?watch=true&labelSelector=ws%3Dyes&resourceVersion=0"), new java.net.http.WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data,
                                                                          boolean last) {
                        partial.append(data);
                        if (last) {
                            frames.add(partial.toString());
                            partial.setLength(0);
                        }
                        ws.request(1);
                        return null;
                    }
                }).get(30, java.util.concurrent.TimeUnit.SECONDS);
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> frames.size() >= 1);
            ok(post(cms, "{\"metadata\":{\"name\":\"ws-2\",\"labels\":{\"ws\":\"yes\"}}}"), 201);
            await().atMost(Duration.ofSeconds(20)).until(() -> frames.size() >= 2);
            JsonNode first = Json.tree(frames.get(0).getBytes(StandardCharsets.UTF_8));
            JsonNode second = Json.tree(frames.get(1).getBytes(StandardCharsets.UTF_8));
            assertThat(first.path("type").asString("")).isEqualTo("ADDED");
            assertThat(first.path("object").path("metadata").path("name").asString("")).isEqualTo("ws-1");
            assertThat(second.path("object").path("metadata").path("name").asString("")).isEqualTo("ws-2");
        } finally {
            socket.abort();
        }
    }

    @Test
    void deleteCollectionRemovesWhatTheSelectorMatches() {
        String cms = "/api/v1/namespaces/" + NS + "/configmaps";
        for (String name : List.of("dc-a", "dc-b")) {
            ok(post(cms, "{\"metadata\":{\"name\":\"" + name + "\",\"labels\":{\"sweep\":\"yes\"}}}"), 201);
        }
        ok(post(cms, "{\"metadata\":{\"name\":\"dc-keep\",\"labels\":{\"sweep\":\"no\"}}}"), 201);

        JsonNode deleted = ok(send("DELETE", cms + "?labelSelector=sweep%3Dyes", null, null), 200);

        assertThat(deleted.path("items").size()).isEqualTo(2);
        assertThat(ok(send("GET", cms + "?labelSelector=sweep", null, null), 200).path("items"))
                .extracting(i -> i.path("metadata").path("name").asString("")).containsExactly("dc-keep");
    }

    @Test
    void yamlInAndOut() {
        HttpResponse<String> created = http.send("POST", "/api/v1/namespaces/" + NS + "/configmaps",
                cluster.adminToken(), "application/yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  key: value\n"
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        HttpResponse<String> yaml = cluster.httpClient().sendAsync(HttpRequest.newBuilder(URI.create(
                        cluster.gatewayUrl() + "/api/v1/namespaces/" + NS + "/configmaps/from-yaml"))
                .header("Authorization", "Bearer " + cluster.adminToken())
                .header("Accept", "application/yaml").GET().build(), HttpResponse.BodyHandlers.ofString()).join();
        assertThat(yaml.headers().firstValue("Content-Type")).contains("application/yaml");
        assertThat(yaml.body()).contains("kind: \"ConfigMap\"").contains("key: \"value\"");
    }

    @Test
    void anUnknownFieldIsDroppedWithAWarningByDefault() {
        HttpResponse<String> created = post("/api/v1/namespaces/" + NS + "/configmaps",
                "{\"metadata\":{\"name\":\"warned\",\"bogus\":1},\"data\":{\"a\":\"b\"},\"extra\":true}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().allValues("Warning")).anyMatch(w -> w.contains("unknown field \\\"extra\\\""))
                .anyMatch(w -> w.contains("unknown field \\\"metadata.bogus\\\""));
        String stored = send("GET", "/api/v1/namespaces/" + NS + "/configmaps/warned", null, null).body();
        assertThat(stored).doesNotContain("bogus").doesNotContain("extra");
    }

    @Test
    void aDryRunCreateValidatesButStoresNothing() {
        JsonNode dry = ok(post("/api/v1/namespaces/" + NS + "/configmaps?dryRun=All",
                "{\"metadata\":{\"name\":\"dry\"}}"), 201);
        assertThat(dry.path("metadata").path("uid").asString("")).isNotEmpty();
        assertThat(send("GET", "/api/v1/namespaces/" + NS + "/configmaps/dry", null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void aWatchEndsAfterItsTimeoutAndAWatchFromBeforeTheHistoryGetsAnExpiredErrorEvent() throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> ended = cluster.httpClient().send(HttpRequest.newBuilder(URI.create(cluster.gatewayUrl()
                        + "/api/v1/namespaces/" + NS + "/secrets?watch=true&timeoutSeconds=1"))
                .header("Authorization", "Bearer " + cluster.adminToken()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ended.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));

        HttpResponse<String> expired = cluster.httpClient().send(HttpRequest.newBuilder(URI.create(cluster.gatewayUrl()
                        + "/api/v1/namespaces/" + NS + "/secrets?watch=true&resourceVersion=1&timeoutSeconds=5"))
                .header("Authorization", "Bearer " + cluster.adminToken()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode event = Json.tree(expired.body().lines().findFirst().orElse("{}").getBytes(StandardCharsets.UTF_8));
        assertThat(event.path("type").asString("")).isEqualTo("ERROR");
        assertThat(event.path("object").path("code").asInt()).isEqualTo(410);
        assertThat(event.path("object").path("reason").asString("")).isEqualTo("Expired");
    }
}
