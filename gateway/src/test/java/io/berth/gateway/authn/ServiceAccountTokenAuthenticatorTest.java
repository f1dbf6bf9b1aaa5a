package io.berth.gateway.authn;

import io.berth.apimachinery.auth.ServiceAccountKeys;
import io.berth.apimachinery.auth.TokenClaims;
import io.berth.apimachinery.auth.TokenSigner;
import io.berth.apimachinery.auth.TokenVerifier;
import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.errors.ApiException;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceAccountTokenAuthenticatorTest {

    static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
    static final List<String> AUDIENCES = List.of(ISSUER);
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    static KeyPair keys;
    static TokenSigner signer;

    InMemoryLookups lookups;
    ServiceAccountTokenAuthenticator authenticator;

    @BeforeAll
    static void keys() throws Exception {
        keys = ecKeyPair();
        signer = new TokenSigner((ECPrivateKey) keys.getPrivate(), (ECPublicKey) keys.getPublic());
    }

    static KeyPair ecKeyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    @BeforeEach
    void cluster() {
        lookups = new InMemoryLookups()
                .serviceAccount("team-a", "builder", "sa-uid")
                .pod("team-a", "builder-7d9f", "pod-uid")
                .secret(nodeSecret("node-1", "secret-uid"));
        authenticator = new ServiceAccountTokenAuthenticator(
                new TokenVerifier(ISSUER, List.of((ECPublicKey) keys.getPublic()), CLOCK, Duration.ofSeconds(30)),
                AUDIENCES, lookups);
    }

    static Secret nodeSecret(String node, String uid) {
        return new SecretBuilder()
                .withNewMetadata().withNamespace("kube-system").withName("node-credential-" + node).withUid(uid)
                .endMetadata()
                .withType("berth.io/node-credential")
                .withImmutable(true)
                .addToData("node", Base64.getEncoder().encodeToString(node.getBytes(StandardCharsets.UTF_8)))
                .build();
    }

    static TokenClaims serviceAccountToken(TokenClaims.Ref pod, TokenClaims.Ref node) {
        return TokenClaims.serviceAccount(ISSUER, AUDIENCES, NOW, Duration.ofHours(1),
                new TokenClaims.ServiceAccountClaim("team-a", new TokenClaims.Ref("builder", "sa-uid"), pod, node));
    }

    static TokenClaims nodeCredential(String node, String secretUid) {
        return TokenClaims.nodeCredential(ISSUER, AUDIENCES, NOW, Duration.ofDays(365),
                new TokenClaims.NodeCredentialClaim("node-credential-" + node, secretUid, node));
    }

    /** Lookups of an informer cache that does not have the ServiceAccount (yet, or any more). */
    static final CredentialLookups NOT_CACHED = new CredentialLookups() {
        @Override
        public java.util.Optional<String> serviceAccountUid(String namespace, String name) {
            throw new CacheMiss("ServiceAccount " + namespace + "/" + name);
        }

        @Override
        public java.util.Optional<String> podUid(String namespace, String name) {
            throw new CacheMiss("Pod " + namespace + "/" + name);
        }

        @Override
        public java.util.Optional<Secret> kubeSystemSecret(String name) {
            throw new CacheMiss("Secret kube-system/" + name);
        }
    };

    @Test
    void aFreshTokenWhoseServiceAccountIsNotCachedYetAsksForALiveLookup() {
        ServiceAccountTokenAuthenticator fresh = new ServiceAccountTokenAuthenticator(
                new TokenVerifier(ISSUER, List.of((ECPublicKey) keys.getPublic()), CLOCK, Duration.ofSeconds(30)),
                AUDIENCES, NOT_CACHED, Clock.offset(CLOCK, Duration.ofSeconds(5)));

        assertThatThrownBy(() -> fresh.authenticate(signer.sign(serviceAccountToken(null, null))))
                .isInstanceOf(CacheMiss.class);
    }

    @Test
    void anOldTokenWhoseServiceAccountIsNotCachedIsRefusedWithoutALiveLookup() {
        Clock later = Clock.offset(CLOCK, Duration.ofMinutes(10));
        ServiceAccountTokenAuthenticator old = new ServiceAccountTokenAuthenticator(
                new TokenVerifier(ISSUER, List.of((ECPublicKey) keys.getPublic()), later, Duration.ofSeconds(30)),
                AUDIENCES, NOT_CACHED, later);

        assertThatThrownBy(() -> old.authenticate(signer.sign(serviceAccountToken(null, null))))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(401));
    }

    @Test
    void aServiceAccountTokenIsTheServiceAccountUserInKubernetesGroups() {
        TokenClaims claims = serviceAccountToken(null, null);

        UserInfo user = authenticator.authenticate(signer.sign(claims)).orElseThrow();

        assertThat(user).isEqualTo(new UserInfo("system:serviceaccount:team-a:builder", "sa-uid",
                List.of("system:serviceaccounts", "system:serviceaccounts:team-a", "system:authenticated"),
                Map.of("authentication.kubernetes.io/credential-id", List.of("JTI=" + claims.id()))));
    }

    @Test
    void aPodBoundTokenCarriesThePodAndItsNodeAsExtra() {
        TokenClaims claims = serviceAccountToken(new TokenClaims.Ref("builder-7d9f", "pod-uid"),
                new TokenClaims.Ref("node-1", "node-uid"));

        UserInfo user = authenticator.authenticate(signer.sign(claims)).orElseThrow();

        assertThat(user.extra()).isEqualTo(Map.of(
                "authentication.kubernetes.io/pod-name", List.of("builder-7d9f"),
                "authentication.kubernetes.io/pod-uid", List.of("pod-uid"),
                "authentication.kubernetes.io/node-name", List.of("node-1"),
                "authentication.kubernetes.io/node-uid", List.of("node-uid"),
                "authentication.kubernetes.io/credential-id", List.of("JTI=" + claims.id())));
    }

    @Test
    void aNodeCredentialIsTheNodeUserInSystemNodes() {
        UserInfo user = authenticator.authenticate(signer.sign(nodeCredential("node-1", "secret-uid"))).orElseThrow();

        assertThat(user.name()).isEqualTo("system:node:node-1");
        assertThat(user.groups()).containsExactly("system:nodes", "system:authenticated");
    }

    record Refused(String description, Consumer<InMemoryLookups> change, TokenClaims claims) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Refused> refused() {
        TokenClaims plain = serviceAccountToken(null, null);
        TokenClaims podBound = serviceAccountToken(new TokenClaims.Ref("builder-7d9f", "pod-uid"), null);
        TokenClaims node = nodeCredential("node-1", "secret-uid");
        return Stream.of(
                new Refused("the ServiceAccount was deleted", l -> l.serviceAccounts.clear(), plain),
                new Refused("the ServiceAccount was recreated (another uid)",
                        l -> l.serviceAccount("team-a", "builder", "sa-uid-2"), plain),
                new Refused("the bound pod was deleted", l -> l.pods.clear(), podBound),
                new Refused("the bound pod was recreated (another uid)",
                        l -> l.pod("team-a", "builder-7d9f", "pod-uid-2"), podBound),
                new Refused("the node's Secret was deleted", l -> l.secrets.clear(), node),
                new Refused("the node's Secret was recreated (another uid)",
                        l -> l.secret(nodeSecret("node-1", "secret-uid-2")), node),
                new Refused("the node's Secret is being deleted", l -> l.secret(new SecretBuilder(
                        nodeSecret("node-1", "secret-uid")).editMetadata()
                        .withDeletionTimestamp("2026-03-01T11:00:00Z").endMetadata().build()), node),
                new Refused("a Secret of that name has another type", l -> l.secret(new SecretBuilder(
                        nodeSecret("node-1", "secret-uid")).withType("Opaque").build()), node),
                new Refused("the Secret names another node", l -> l.secret(new SecretBuilder(
                        nodeSecret("node-1", "secret-uid")).withData(Map.of("node",
                        Base64.getEncoder().encodeToString("node-2".getBytes(StandardCharsets.UTF_8)))).build()), node),
                new Refused("the token has expired", l -> { },
                        TokenClaims.serviceAccount(ISSUER, AUDIENCES, NOW.minusSeconds(7200), Duration.ofHours(1),
                                plain.serviceAccount())),
                new Refused("the token is for another audience", l -> { },
                        TokenClaims.serviceAccount(ISSUER, List.of("vault"), NOW, Duration.ofHours(1),
                                plain.serviceAccount())));
    }

    @ParameterizedTest(name = "{0}: 401")
    @MethodSource("refused")
    void aTokenWhoseBindingNoLongerHoldsIsUnauthorized(Refused refused) {
        refused.change().accept(lookups);
        String token = signer.sign(refused.claims());

        assertThatThrownBy(() -> authenticator.authenticate(token))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(401));
    }

    @Test
    void aTokenSignedByAnotherKeyIsUnauthorized() throws Exception {
        KeyPair other = ecKeyPair();
        String forged = new TokenSigner((ECPrivateKey) other.getPrivate(), (ECPublicKey) other.getPublic())
                .sign(serviceAccountToken(null, null));

        assertThatThrownBy(() -> authenticator.authenticate(forged))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(401));
    }

    @Test
    void tokensThatAreNotJwtsOfThisIssuerAreLeftToOtherAuthenticators() {
        String otherIssuer = signer.sign(TokenClaims.serviceAccount("https://oidc.example.com", AUDIENCES, NOW,
                Duration.ofHours(1), serviceAccountToken(null, null).serviceAccount()));

        assertThat(authenticator.authenticate("4f6c1d6e0a9b4e1f9c3b2a1d0e9f8a7b")).isEmpty();
        assertThat(authenticator.authenticate("abcdef.0123456789abcdef")).isEmpty();
        assertThat(authenticator.authenticate(otherIssuer)).isEmpty();
    }

    @Test
    void theAuthenticatorReadsThePublicKeyFileOrAJwkSet(@TempDir Path dir) throws Exception {
        Path pem = Files.writeString(dir.resolve("sa.pub"), "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        Path jwks = Files.writeString(dir.resolve("jwks.json"),
                ServiceAccountKeys.jwks(List.of((ECPublicKey) keys.getPublic())));
        String token = signer.sign(serviceAccountToken(null, null));

        for (Path file : List.of(pem, jwks)) {
            ServiceAccountTokenAuthenticator fromFile = ServiceAccountTokenAuthenticator.fromKeyFile(file, ISSUER,
                    List.of(), lookups, CLOCK);
            assertThat(fromFile.authenticate(token)).as(file.toString()).isPresent();
        }
    }
}
