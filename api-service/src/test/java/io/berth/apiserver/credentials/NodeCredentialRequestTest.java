package io.berth.apiserver.credentials;

import io.berth.apimachinery.auth.TokenClaims;
import io.berth.apimachinery.auth.TokenVerifier;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.testkit.EtcdExtension;
import io.berth.testkit.EtcdProcess;
import io.fabric8.kubernetes.api.model.Secret;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Node registration, {@code POST nodes/{name}/token}, on a real etcd. */
@ExtendWith(EtcdExtension.class)
class NodeCredentialRequestTest {

    static final ResourceType SECRETS = ResourceRegistry.builtIn().find("", "v1", "secrets").orElseThrow();

    static EtcdProcess etcd;
    static ApiFixture api;

    @BeforeAll
    static void cluster() {
        api = new ApiFixture(etcd);
    }

    @AfterAll
    static void close() {
        api.close();
    }

    static String newNode() {
        return "node-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static ApiFixture.Answer register(String node, String body) {
        return api.post("/api/v1/nodes/" + node + "/token", body);
    }

    static Secret secret(String node) {
        return (Secret) api.store.get(SECRETS, "kube-system", "node-credential-" + node).join().object();
    }

    static boolean secretExists(String node) {
        return api.store.getKey(SECRETS, api.store.keys().key(SECRETS, "kube-system", "node-credential-" + node), 0)
                .join() != null;
    }

    @Test
    void registeringANodeCreatesItsSecretAndAnswersWithACredentialBoundToIt() {
        String node = newNode();

        ApiFixture.Answer answer = register(node, "{\"apiVersion\":\"authentication.k8s.io/v1\","
                + "\"kind\":\"TokenRequest\",\"spec\":{}}");

        assertThat(answer.code()).as(answer.toString()).isEqualTo(201);
        assertThat(answer.text("/metadata/name")).isEqualTo(node);
        assertThat(answer.body().at("/spec/expirationSeconds").asLong()).isEqualTo(Duration.ofDays(365).toSeconds());
        Secret secret = secret(node);
        assertThat(secret.getType()).isEqualTo("berth.io/node-credential");
        assertThat(secret.getImmutable()).isTrue();
        assertThat(secret.getData()).containsOnlyKeys("node");
        assertThat(new String(Base64.getDecoder().decode(secret.getData().get("node")), StandardCharsets.UTF_8))
                .isEqualTo(node);
        assertThat(secret.getMetadata().getAnnotations()).containsEntry("berth.io/registered-by", ApiFixture.USER);
        TokenVerifier.Result result = api.verifier().verify(answer.text("/status/token"), List.of(ApiFixture.ISSUER));
        assertThat(result).isInstanceOf(TokenVerifier.Verified.class);
        TokenClaims claims = ((TokenVerifier.Verified) result).claims();
        assertThat(claims.subject()).isEqualTo("system:node:" + node);
        assertThat(claims.nodeCredential()).isEqualTo(new TokenClaims.NodeCredentialClaim("node-credential-" + node,
                secret.getMetadata().getUid(), node));
        assertThat(Duration.between(claims.issuedAt(), claims.expiry())).isEqualTo(Duration.ofDays(365));
    }

    @Test
    void theSecretNeverHoldsTheToken() {
        String node = newNode();

        ApiFixture.Answer answer = register(node, "{}");

        String stored = new String(api.store.get(SECRETS, "kube-system", "node-credential-" + node).join().data(),
                StandardCharsets.UTF_8);
        assertThat(stored).doesNotContain(answer.text("/status/token"))
                .doesNotContain(answer.text("/status/token").split("\\.")[2]);
    }

    @Test
    void aSecondRegistrationOfTheSameNodeIsAlreadyExistsWithAnExplanation() {
        String node = newNode();
        assertThat(register(node, "{}").code()).isEqualTo(201);
        String uid = secret(node).getMetadata().getUid();

        ApiFixture.Answer again = register(node, "{}");

        assertThat(again.code()).isEqualTo(409);
        assertThat(again.text("/reason")).isEqualTo("AlreadyExists");
        assertThat(again.text("/message")).isEqualTo("node " + node + " is already registered; delete Secret "
                + "kube-system/node-credential-" + node + " to register it again");
        assertThat(secret(node).getMetadata().getUid()).as("the first Secret is untouched").isEqualTo(uid);
    }

    @Test
    void deletingTheSecretLetsTheNodeRegisterAgainWithANewBinding() {
        String node = newNode();
        assertThat(register(node, "{}").code()).isEqualTo(201);
        String first = secret(node).getMetadata().getUid();
        assertThat(api.delete("/api/v1/namespaces/kube-system/secrets/node-credential-" + node)).isEqualTo(200);

        ApiFixture.Answer again = register(node, "{}");

        assertThat(again.code()).isEqualTo(201);
        assertThat(secret(node).getMetadata().getUid()).isNotEqualTo(first);
    }

    @Test
    void aShorterRequestedLifetimeIsKeptAndALongerOneShortened() {
        ApiFixture.Answer shorter = register(newNode(), "{\"spec\":{\"expirationSeconds\":86400}}");
        ApiFixture.Answer longer = register(newNode(), "{\"spec\":{\"expirationSeconds\":63072000}}");

        assertThat(shorter.body().at("/spec/expirationSeconds").asLong()).isEqualTo(86400);
        assertThat(longer.body().at("/spec/expirationSeconds").asLong()).isEqualTo(31536000);
        assertThat(longer.warnings()).containsExactly(
                "299 - \"requested expiration of 63072000 seconds shortened to 31536000 seconds\"");
    }

    @Test
    void aDryRunCreatesNoSecretAndIssuesNoToken() {
        String node = newNode();

        ApiFixture.Answer answer = api.post("/api/v1/nodes/" + node + "/token?dryRun=All", "{}");

        assertThat(answer.code()).isEqualTo(201);
        assertThat(answer.body().at("/status/token").isMissingNode() || answer.text("/status/token").isEmpty())
                .isTrue();
        assertThat(secretExists(node)).isFalse();
    }

    @Test
    void aDryRunOfARegisteredNodeIsAlreadyExists() {
        String node = newNode();
        register(node, "{}");

        assertThat(api.post("/api/v1/nodes/" + node + "/token?dryRun=All", "{}").code()).isEqualTo(409);
    }

    record Refusal(String description, String node, String body, String message) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Refusal> refusals() {
        return Stream.of(
                new Refusal("a node name that is not a DNS subdomain", "Node_1", "{}",
                        "metadata.name: Invalid value: \"Node_1\""),
                new Refusal("a node name too long for its Secret's name", "n" + "x".repeat(237), "{}",
                        "must be no more than 237 characters"),
                new Refusal("a bound object", "node-b", "{\"spec\":{\"boundObjectRef\":{\"kind\":\"Pod\","
                        + "\"apiVersion\":\"v1\",\"name\":\"p\"}}}", "spec.boundObjectRef: Forbidden"),
                new Refusal("an audience the API does not accept", "node-c",
                        "{\"spec\":{\"audiences\":[\"vault\"]}}", "spec.audiences: Unsupported value: \"vault\""),
                new Refusal("less than ten minutes", "node-d", "{\"spec\":{\"expirationSeconds\":60}}",
                        "may not specify a duration less than 10 minutes"),
                new Refusal("a name in the body other than the URL's", "node-e",
                        "{\"metadata\":{\"name\":\"node-f\"}}", "must match the node name if specified"));
    }

    @ParameterizedTest(name = "{0} is 422 and creates nothing")
    @MethodSource("refusals")
    void invalidRegistrationsAreRefusedBeforeAnythingIsWritten(Refusal refusal) {
        ApiFixture.Answer answer = register(refusal.node(), refusal.body());

        assertThat(answer.code()).as(answer.toString()).isEqualTo(422);
        assertThat(answer.text("/reason")).isEqualTo("Invalid");
        assertThat(answer.text("/message")).contains(refusal.message());
        if (refusal.node().length() < 200) {
            assertThat(secretExists(refusal.node())).isFalse();
        }
    }

    @Test
    void theNodeTokenSubresourceIsClusterScoped() {
        assertThat(api.post("/api/v1/namespaces/default/nodes/" + newNode() + "/token", "{}").code()).isEqualTo(404);
        assertThat(api.get("/api/v1/nodes/" + newNode() + "/token").code()).isEqualTo(405);
    }
}
