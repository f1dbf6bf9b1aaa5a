package io.berth.apiserver.credentials;

import io.berth.apimachinery.auth.ServiceAccountKeys;
import io.berth.apimachinery.json.Json;
import io.berth.testkit.EtcdExtension;
import io.berth.testkit.EtcdProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** OIDC discovery of the service-account issuer, API discovery of the token subresources, and the key at start-up. */
@ExtendWith(EtcdExtension.class)
class IssuerDiscoveryTest {

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

    @Test
    void theOpenIdConfigurationIsKubernetesDocument() {
        var result = api.http.get().uri("/.well-known/openid-configuration").exchange()
                .expectStatus().isOk()
                .expectHeader().contentType("application/json")
                .expectHeader().valueEquals("Cache-Control", "public, max-age=3600")
                .expectBody(String.class).returnResult();

        assertThat(result.getResponseBody()).isEqualTo("{\"issuer\":\"https://kubernetes.default.svc.cluster.local\","
                + "\"jwks_uri\":\"https://kubernetes.default.svc.cluster.local/openid/v1/jwks\","
                + "\"response_types_supported\":[\"id_token\"],\"subject_types_supported\":[\"public\"],"
                + "\"id_token_signing_alg_values_supported\":[\"ES256\"]}");
    }

    @Test
    void theJwkSetHoldsThePublicKeyUnderKubernetesKeyId() {
        var result = api.http.get().uri("/openid/v1/jwks").exchange()
                .expectStatus().isOk()
                .expectHeader().contentType("application/jwk-set+json")
                .expectBody(byte[].class).returnResult();

        JsonNode key = Json.tree(result.getResponseBody()).at("/keys/0");
        String expectedKid = ServiceAccountKeys.keyId(
                ServiceAccountKeys.readPublicKeys(api.pki.resolve("sa.pub")).get(0));
        assertThat(key.path("kid").asString()).isEqualTo(expectedKid);
        assertThat(key.path("kty").asString()).isEqualTo("EC");
        assertThat(key.path("crv").asString()).isEqualTo("P-256");
        assertThat(key.path("alg").asString()).isEqualTo("ES256");
        assertThat(key.path("use").asString()).isEqualTo("sig");
        assertThat(key.has("d")).as("no private part").isFalse();
        assertThat(ServiceAccountKeys.fromJwks(new String(result.getResponseBody()), "jwks"))
                .isEqualTo(ServiceAccountKeys.readPublicKeys(api.pki.resolve("sa.pub")));
    }

    @Test
    void discoveryListsBothTokenSubresourcesAsKubernetesListsServiceaccountsToken() {
        JsonNode resources = api.get("/api/v1").body().path("resources");

        for (String name : List.of("serviceaccounts/token", "nodes/token")) {
            JsonNode found = null;
            for (JsonNode r : resources) {
                if (r.path("name").asString().equals(name)) {
                    found = r;
                }
            }
            assertThat(found).as(name).isNotNull();
            assertThat(found.path("group").asString()).isEqualTo("authentication.k8s.io");
            assertThat(found.path("version").asString()).isEqualTo("v1");
            assertThat(found.path("kind").asString()).isEqualTo("TokenRequest");
            assertThat(found.path("verbs").toString()).isEqualTo("[\"create\"]");
            assertThat(found.path("namespaced").asBoolean()).isEqualTo(name.startsWith("serviceaccounts"));
        }
    }

    @Test
    void aMissingSigningKeyFailsStartUpNamingTheFileAndTheSetting(@org.junit.jupiter.api.io.TempDir Path dir) {
        CredentialProperties props = new CredentialProperties(dir.resolve("sa.key"), null, ApiFixture.ISSUER, null,
                null, Duration.ofHours(48), Duration.ofDays(365));

        assertThatThrownBy(() -> Credentials.load(props, api.pki, null, null, null, api.clock))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dir.resolve("sa.key").toString())
                .hasMessageContaining("does not exist")
                .hasMessageContaining("berth.apiserver.service-account-key-file");
    }

    @Test
    void aPublicKeyThatIsNotTheSigningKeysHalfFailsStartUp(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        Path otherPublicKey = Files.writeString(dir.resolve("other.pub"), "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        CredentialProperties props = new CredentialProperties(null, otherPublicKey, ApiFixture.ISSUER, null, null,
                Duration.ofHours(48), Duration.ofDays(365));

        assertThatThrownBy(() -> Credentials.load(props, api.pki, null, null, null, api.clock))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(otherPublicKey.toString())
                .hasMessageContaining("not a key pair");
    }

    @Test
    void settingsOutsideKubernetesBoundsAreRefused() {
        assertThatThrownBy(() -> new CredentialProperties(null, null, ApiFixture.ISSUER, null, null,
                Duration.ofMinutes(30), Duration.ofDays(365)))
                .hasMessageContaining("between 1 hour and 2^32 seconds");
        assertThatThrownBy(() -> new CredentialProperties(null, null, " ", null, null,
                Duration.ofHours(1), Duration.ofDays(365)))
                .hasMessageContaining("service-account-issuer must not be empty");
    }

    @Test
    void anIssuerThatIsNotAnHttpsUrlServesNoDiscovery() {
        assertThat(OpenIdMetadata.create("berth", "https://x/openid/v1/jwks", List.of())).isEmpty();
        assertThat(OpenIdMetadata.create("https://issuer?x=1", "https://x/openid/v1/jwks", List.of())).isEmpty();
        assertThat(OpenIdMetadata.create("https://issuer", "http://x/openid/v1/jwks", List.of())).isEmpty();
    }
}
