package io.berth.e2e;

import io.berth.apimachinery.auth.ServiceAccountKeys;
import io.berth.apimachinery.auth.TokenClaims;
import io.berth.apimachinery.auth.TokenVerifier;
import io.berth.apimachinery.json.Json;
import io.berth.testkit.ClusterHarness;
import io.berth.testkit.Kubectl;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Credentials through the gateway: {@code kubectl create token} with its flags, issuer discovery, and node
 * registration, as the admin. Tokens are checked
 * with the cluster's {@code sa.pub}, as the gateway's authenticator will check them.
 */
class TokenRequestTest {

    private static final String NS = "token-e2e";
    private static final String ISSUER = "https://kubernetes.default.svc.cluster.local";

    private static ClusterHarness cluster;
    private static Kubectl kubectl;
    private static KubernetesClient client;
    private static TokenVerifier verifier;
    private static String saUid;
    private static String podUid;

    @BeforeAll
    static void setUp() {
        cluster = SharedCluster.get();
        kubectl = new Kubectl(cluster.kubeconfig());
        client = SharedCluster.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        saUid = client.serviceAccounts().inNamespace(NS).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("builder").endMetadata().build()).create().getMetadata().getUid();
        podUid = client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("builder-1")
                .endMetadata().withNewSpec().withServiceAccountName("builder").addNewContainer().withName("c")
                .withImage("host").endContainer().endSpec().build()).create().getMetadata().getUid();
        verifier = new TokenVerifier(ISSUER, ServiceAccountKeys.readPublicKeys(cluster.pkiDir().resolve("sa.pub")),
                Clock.systemUTC(), Duration.ofSeconds(5));
    }

    @AfterAll
    static void tearDown() {
        kubectl.close();
        client.close();
    }

    private static TokenClaims verified(String token, String audience) {
        TokenVerifier.Result result = verifier.verify(token.strip(), List.of(audience));
        assertThat(result).as(result.toString()).isInstanceOf(TokenVerifier.Verified.class);
        return ((TokenVerifier.Verified) result).claims();
    }

    @Test
    void kubectlCreateTokenPrintsAnHourLongTokenOfTheServiceAccount() {
        Kubectl.Result result = kubectl.run("-n", NS, "create", "token", "builder").orThrow();

        TokenClaims claims = verified(result.stdout(), ISSUER);
        assertThat(claims.subject()).isEqualTo("system:serviceaccount:" + NS + ":builder");
        assertThat(claims.serviceAccount().serviceAccount().uid()).isEqualTo(saUid);
        assertThat(Duration.between(claims.issuedAt(), claims.expiry())).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void kubectlCreateTokenHonoursAudienceAndDuration() {
        Kubectl.Result result = kubectl.run("-n", NS, "create", "token", "builder", "--audience", "vault",
                "--duration", "10m").orThrow();

        TokenClaims claims = verified(result.stdout(), "vault");
        assertThat(claims.audiences()).containsExactly("vault");
        assertThat(Duration.between(claims.issuedAt(), claims.expiry())).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void kubectlCreateTokenBindsATokenToAPod() {
        Kubectl.Result result = kubectl.run("-n", NS, "create", "token", "builder", "--bound-object-kind", "Pod",
                "--bound-object-name", "builder-1").orThrow();

        assertThat(verified(result.stdout(), ISSUER).serviceAccount().pod())
                .isEqualTo(new TokenClaims.Ref("builder-1", podUid));
    }

    @Test
    void kubectlReportsKubernetesRefusals() {
        Kubectl.Result missing = kubectl.run("-n", NS, "create", "token", "nobody");
        Kubectl.Result tooShort = kubectl.run("-n", NS, "create", "token", "builder", "--duration", "5m");

        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.stderr()).contains("serviceaccounts \"nobody\" not found");
        assertThat(tooShort.exitCode()).isNotZero();
        assertThat(tooShort.stderr()).contains("may not specify a duration less than 10 minutes");
    }

    @Test
    void theIssuerDiscoveryDocumentsAreServedThroughTheGateway() {
        Http http = new Http(cluster);

        HttpResponse<String> config = http.send("GET", "/.well-known/openid-configuration", cluster.adminToken(),
                null, null);
        HttpResponse<String> jwks = http.send("GET", "/openid/v1/jwks", cluster.adminToken(), null, null);

        assertThat(config.statusCode()).as(config.body()).isEqualTo(200);
        assertThat(Json.tree(config.body().getBytes(StandardCharsets.UTF_8)).path("jwks_uri").asString())
                .isEqualTo(ISSUER + "/openid/v1/jwks");
        assertThat(jwks.statusCode()).isEqualTo(200);
        assertThat(jwks.headers().firstValue("Content-Type")).contains("application/jwk-set+json");
        assertThat(ServiceAccountKeys.fromJwks(jwks.body(), "jwks"))
                .isEqualTo(ServiceAccountKeys.readPublicKeys(cluster.pkiDir().resolve("sa.pub")));
    }

    @Test
    void aNodeRegistersOnceThroughTheGateway() {
        Http http = new Http(cluster);
        byte[] body = "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{}}"
                .getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> first = http.send("POST", "/api/v1/nodes/e2e-node-1/token", cluster.adminToken(),
                "application/json", body);
        HttpResponse<String> second = http.send("POST", "/api/v1/nodes/e2e-node-1/token", cluster.adminToken(),
                "application/json", body);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        JsonNode answer = Json.tree(first.body().getBytes(StandardCharsets.UTF_8));
        TokenClaims claims = verified(answer.at("/status/token").asString(), ISSUER);
        assertThat(claims.subject()).isEqualTo("system:node:e2e-node-1");
        assertThat(claims.nodeCredential().secretUid()).isEqualTo(client.secrets().inNamespace("kube-system")
                .withName("node-credential-e2e-node-1").get().getMetadata().getUid());
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(second.body()).contains("node e2e-node-1 is already registered");
    }
}
