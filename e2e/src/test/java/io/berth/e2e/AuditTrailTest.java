package io.berth.e2e;

import io.berth.apimachinery.json.Json;
import io.berth.testkit.ClusterHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The audit trail through a real gateway: every request is recorded (allowed or refused), Secret content never
 * reaches the store, and a namespace admin's query returns only the namespaces it administers.
 */
class AuditTrailTest {

    private static final String A = "audit-a";
    private static final String B = "audit-b";
    private static final String SECRET_VALUE = "hunter2-created";
    private static final String PATCHED_VALUE = "hunter2-patched";

    private static ClusterHarness cluster;
    private static Http http;
    private static String tokenA;
    private static String tokenB;

    @BeforeAll
    static void setUp() {
        cluster = SharedCluster.get();
        http = new Http(cluster).patient();
        Tenants tenants = new Tenants(cluster);
        tokenA = tenants.serviceAccountWithRole(A, "owner", "admin");
        tokenB = tenants.serviceAccountWithRole(B, "owner", "admin");
        assertThat(http.send("POST", "/api/v1/namespaces/" + A + "/secrets", tokenA, "application/json", bytes(
                "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\"},\"stringData\":"
                        + "{\"password\":\"" + SECRET_VALUE + "\"}}")).statusCode()).isEqualTo(201);
        assertThat(http.send("PATCH", "/api/v1/namespaces/" + A + "/secrets/db", tokenA,
                "application/merge-patch+json", bytes("{\"stringData\":{\"password\":\"" + PATCHED_VALUE + "\"}}"))
                .statusCode()).isEqualTo(200);
        assertThat(http.send("PATCH", "/api/v1/namespaces/" + A + "/secrets/db", tokenA,
                "application/json-patch+json", bytes("[{\"op\":\"add\",\"path\":\"/data/token\",\"value\":\""
                        + "c2VjcmV0LWpzb24tcGF0Y2g=\"}]")).statusCode()).isEqualTo(200);
        assertThat(http.send("GET", "/api/v1/namespaces/" + B + "/secrets", tokenA, null, null).statusCode())
                .isEqualTo(403);
        assertThat(http.send("GET", "/api/v1/namespaces/" + B + "/configmaps", tokenB, null, null).statusCode())
                .isEqualTo(200);
    }

    @Test
    void everyRequestIsRecordedWithWhoWhatAndTheAnswer() {
        String userA = "system:serviceaccount:" + A + ":owner";
        List<JsonNode> entries = awaitEntries(cluster.adminToken(), "?user=" + userA, 5);

        assertThat(entries).anySatisfy(e -> {
            assertThat(e.path("verb").asString()).isEqualTo("create");
            assertThat(e.path("resource").asString()).isEqualTo("secrets");
            assertThat(e.path("namespace").asString()).isEqualTo(A);
            assertThat(e.path("code").asInt()).isEqualTo(201);
            assertThat(e.path("groups").toString()).contains("system:serviceaccounts");
            assertThat(e.path("sourceIP").asString()).isNotEmpty();
            assertThat(e.path("latencyMs").isNumber()).isTrue();
        });
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.path("verb").asString()).isEqualTo("list");
            assertThat(e.path("namespace").asString()).isEqualTo(B);
            assertThat(e.path("code").asInt()).isEqualTo(403);
        });
    }

    @Test
    void secretValuesNeverReachTheTrail() {
        List<JsonNode> entries = awaitEntries(cluster.adminToken(), "?namespace=" + A + "&verb=patch", 2);
        String all = awaitEntries(cluster.adminToken(), "?namespace=" + A, 3).toString();

        assertThat(entries).allSatisfy(e -> assertThat(e.path("requestBody").asString("")).contains("<redacted>"));
        assertThat(all).doesNotContain(SECRET_VALUE).doesNotContain(PATCHED_VALUE)
                .doesNotContain("c2VjcmV0LWpzb24tcGF0Y2g=");
    }

    @Test
    void aNamespaceAdminReadsOnlyItsOwnNamespacesEntries() {
        List<JsonNode> own = awaitEntries(tokenA, "", 3);

        assertThat(own).allSatisfy(e -> assertThat(e.path("namespace").asString()).isEqualTo(A));
        HttpResponse<String> other = http.send("GET", "/audit/v1/events?namespace=" + B, tokenA, null, null);
        assertThat(other.statusCode()).as(other.body()).isEqualTo(403);
        assertThat(http.send("GET", "/audit/v1/events", null, null, null).statusCode()).isEqualTo(401);
    }

    /** Entries arrive through a queue: waits until the query returns at least {@code min}. */
    private static List<JsonNode> awaitEntries(String token, String query, int min) {
        List<JsonNode> out = new ArrayList<>();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
            out.clear();
            HttpResponse<String> r = http.send("GET", "/audit/v1/events" + query, token, null, null);
            if (r.statusCode() != 200) {
                throw new AssertionError(r.statusCode() + ": " + r.body());
            }
            Json.tree(bytes(r.body())).path("items").forEach(out::add);
            return out.size() >= min;
        });
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
