package io.berth.e2e;

import io.berth.apimachinery.json.Json;
import io.berth.testkit.ClusterHarness;
import io.berth.testkit.PemSsl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may talk to whom: only the gateway's client certificate opens the api-service, identity headers sent by a
 * client never pass the gateway, tokens are checked, and a user without a binding is refused.
 */
class FrontDoorTest {

    private static ClusterHarness cluster;
    private static Http http;

    @BeforeAll
    static void setUp() {
        cluster = SharedCluster.get();
        http = new Http(cluster);
    }

    private static HttpResponse<String> direct(SSLContext ssl, String path, String... headers) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(cluster.apiServiceUrls().get(0) + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theApiServiceRefusesARequestWithoutTheGatewaysClientCertificate() throws Exception {
        HttpResponse<String> response = direct(PemSsl.trusting(cluster.caCert()), "/api/v1/namespaces",
                "X-Remote-User", "admin", "X-Remote-Group", "system:masters");

        assertThat(response.statusCode()).isEqualTo(401);
        JsonNode status = Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
        assertThat(status.path("kind").asString("")).isEqualTo("Status");
        assertThat(status.path("reason").asString("")).isEqualTo("Unauthorized");
    }

    @Test
    void theApiServiceAnswersTheGatewaysCertificate() throws Exception {
        HttpResponse<String> response = direct(cluster.frontProxyClientSsl(), "/api/v1/namespaces/default");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void identityHeadersSentByAClientNeverReachTheApiService() {
        HttpResponse<String> response = sendWithHeaders("/apis/authentication.k8s.io/v1/selfsubjectreviews",
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}",
                "X-Remote-User", "mallory", "X-Remote-Group", "evil", "x-remote-extra-scopes", "all",
                "X-Remote-Uid", "0");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode user = Json.tree(response.body().getBytes(StandardCharsets.UTF_8)).path("status").path("userInfo");
        assertThat(user.path("username").asString("")).isEqualTo("admin");
        assertThat(user.path("groups").toString()).contains("system:masters").doesNotContain("evil");
        assertThat(user.path("uid").asString("")).isNotEqualTo("0");
        assertThat(user.path("extra").isMissingNode() || !user.path("extra").has("scopes")).isTrue();
    }

    private static HttpResponse<String> sendWithHeaders(String path, String body, String... headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + path))
                    .header("Authorization", "Bearer " + cluster.adminToken())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            b.headers(headers);
            return cluster.httpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aMissingOrUnknownTokenIsUnauthorized() {
        HttpResponse<String> none = http.send("GET", "/api/v1/namespaces", null, null, null);
        HttpResponse<String> unknown = http.send("GET", "/api/v1/namespaces", "not-a-token", null, null);

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(unknown.body()).contains("\"reason\":\"Unauthorized\"").contains("\"kind\":\"Status\"");
    }

    @Test
    void healthAndVersionAreOpenToAnonymousCallers() {
        assertThat(http.send("GET", "/healthz", null, null, null).body()).isEqualTo("ok");
        HttpResponse<String> version = http.send("GET", "/version", null, null, null);
        assertThat(version.statusCode()).isEqualTo(200);
        assertThat(version.body()).contains("\"major\":\"1\"");
    }

    @Test
    void aUserWithoutABindingIsForbidden() {
        HttpResponse<String> response = http.send("GET", "/api/v1/namespaces/default/pods", cluster.userToken(),
                null, null);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("\"reason\":\"Forbidden\"")
                .contains("User \\\"alice\\\" cannot list resource \\\"pods\\\"");
    }

    @Test
    void impersonationWithoutTheImpersonateVerbIsRefused() {
        try {
            HttpResponse<String> response = cluster.httpClient().send(HttpRequest.newBuilder(
                            URI.create(cluster.gatewayUrl() + "/api/v1/namespaces"))
                    .header("Authorization", "Bearer " + cluster.userToken())
                    .header("Impersonate-User", "admin").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(403);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
