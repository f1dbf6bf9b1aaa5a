package io.berth.apimachinery.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenVerifierTest {

    static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
    static final List<String> AUDIENCES = List.of(ISSUER);
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final Duration LEEWAY = Duration.ofSeconds(60);

    static KeyPair ours;
    static KeyPair other;
    static TokenSigner signer;
    static TokenVerifier verifier;

    @BeforeAll
    static void keys() throws Exception {
        ours = ecKeyPair();
        other = ecKeyPair();
        signer = new TokenSigner((ECPrivateKey) ours.getPrivate(), (ECPublicKey) ours.getPublic());
        verifier = new TokenVerifier(ISSUER, List.of((ECPublicKey) ours.getPublic()),
                Clock.fixed(NOW, ZoneOffset.UTC), LEEWAY);
    }

    static KeyPair ecKeyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    static TokenClaims.ServiceAccountClaim podBound() {
        return new TokenClaims.ServiceAccountClaim("team-a", new TokenClaims.Ref("builder", "sa-uid"),
                new TokenClaims.Ref("builder-7d9f", "pod-uid"), new TokenClaims.Ref("node-1", "node-uid"));
    }

    static TokenClaims serviceAccountClaims(Instant issuedAt, Duration lifetime) {
        return TokenClaims.serviceAccount(ISSUER, AUDIENCES, issuedAt, lifetime, podBound());
    }

    static TokenClaims nodeClaims() {
        return TokenClaims.nodeCredential(ISSUER, AUDIENCES, NOW, Duration.ofDays(365),
                new TokenClaims.NodeCredentialClaim("node-credential-node-1", "secret-uid", "node-1"));
    }

    /** A valid claims set to bend: what {@link TokenSigner} would write for {@link #podBound()}. */
    static JWTClaimsSet.Builder validSet() {
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject("system:serviceaccount:team-a:builder")
                .audience(AUDIENCES)
                .issueTime(Date.from(NOW))
                .notBeforeTime(Date.from(NOW))
                .expirationTime(Date.from(NOW.plusSeconds(3600)))
                .jwtID("jti-1")
                .claim("kubernetes.io", Map.of("namespace", "team-a",
                        "serviceaccount", Map.of("name", "builder", "uid", "sa-uid")));
    }

    static String sign(JWSHeader header, JWTClaimsSet set, JWSSigner with) {
        try {
            SignedJWT jwt = new SignedJWT(header, set);
            jwt.sign(with);
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String signedByUs(JWTClaimsSet set) {
        try {
            return sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(signer.keyId()).build(), set,
                    new ECDSASigner((ECPrivateKey) ours.getPrivate()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aSignedServiceAccountTokenVerifiesToTheClaimsItWasSignedWith() {
        TokenClaims claims = serviceAccountClaims(NOW, Duration.ofHours(1));

        TokenVerifier.Result result = verifier.verify(signer.sign(claims), AUDIENCES);

        assertThat(result).isEqualTo(new TokenVerifier.Verified(claims));
    }

    @Test
    void aSignedNodeCredentialVerifiesToTheClaimsItWasSignedWith() {
        TokenClaims claims = nodeClaims();

        TokenVerifier.Result result = verifier.verify(signer.sign(claims), AUDIENCES);

        assertThat(result).isEqualTo(new TokenVerifier.Verified(claims));
    }

    @Test
    void aTokenHasKubernetesHeaderAndClaimShape() {
        String[] parts = signer.sign(serviceAccountClaims(NOW, Duration.ofHours(1))).split("\\.");
        String header = new String(Base64.getUrlDecoder().decode(parts[0]));
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]));

        assertThat(header).contains("\"alg\":\"ES256\"").contains("\"kid\":\"" + signer.keyId() + "\"");
        assertThat(payload)
                .contains("\"iss\":\"" + ISSUER + "\"")
                .contains("\"aud\":[\"" + ISSUER + "\"]")
                .contains("\"sub\":\"system:serviceaccount:team-a:builder\"")
                .contains("\"exp\":" + NOW.plusSeconds(3600).getEpochSecond())
                .contains("\"iat\":" + NOW.getEpochSecond())
                .contains("\"nbf\":" + NOW.getEpochSecond())
                .contains("\"jti\":")
                .contains("\"kubernetes.io\":{\"namespace\":\"team-a\",\"serviceaccount\":{\"name\":\"builder\","
                        + "\"uid\":\"sa-uid\"},\"pod\":{\"name\":\"builder-7d9f\",\"uid\":\"pod-uid\"},"
                        + "\"node\":{\"name\":\"node-1\",\"uid\":\"node-uid\"}}");
    }

    @Test
    void everyTokenGetsItsOwnId() {
        TokenClaims a = serviceAccountClaims(NOW, Duration.ofHours(1));
        TokenClaims b = serviceAccountClaims(NOW, Duration.ofHours(1));

        assertThat(a.id()).isNotEqualTo(b.id());
    }

    enum Outcome { VERIFIED, REJECTED, NOT_OURS }

    record Case(String description, Supplier<String> token, Outcome outcome, String reason) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("an unsigned token (alg none)", () -> new PlainJWT(validSet().build()).serialize(),
                        Outcome.REJECTED, "not signed"),
                new Case("HS256 keyed with our public key (algorithm confusion)", () -> {
                    try {
                        return sign(new JWSHeader(JWSAlgorithm.HS256), validSet().build(),
                                new MACSigner(ours.getPublic().getEncoded()));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, Outcome.REJECTED, "signed with HS256"),
                new Case("RS256 by an RSA key", () -> {
                    try {
                        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
                        rsa.initialize(2048);
                        return sign(new JWSHeader(JWSAlgorithm.RS256), validSet().build(),
                                new RSASSASigner(rsa.generateKeyPair().getPrivate()));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, Outcome.REJECTED, "signed with RS256"),
                new Case("ES256 by another key claiming our key id", () -> {
                    try {
                        return sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(signer.keyId()).build(),
                                validSet().build(), new ECDSASigner((ECPrivateKey) other.getPrivate()));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, Outcome.REJECTED, "signature"),
                new Case("ES256 by another key without a key id", () -> {
                    try {
                        return sign(new JWSHeader(JWSAlgorithm.ES256), validSet().build(),
                                new ECDSASigner((ECPrivateKey) other.getPrivate()));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, Outcome.REJECTED, "signature"),
                new Case("our key under an unknown key id", () -> {
                    try {
                        return sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("unknown").build(),
                                validSet().build(), new ECDSASigner((ECPrivateKey) ours.getPrivate()));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, Outcome.REJECTED, "signature"),
                new Case("our key without a key id", () -> {
                    try {
                        return sign(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).build(),
                                validSet().build(), new ECDSASigner((ECPrivateKey) ours.getPrivate()));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, Outcome.VERIFIED, null),
                new Case("a payload swapped under a valid signature", () -> {
                    String[] genuine = signedByUs(validSet().build()).split("\\.");
                    String[] forged = signedByUs(validSet().subject("system:serviceaccount:team-a:admin")
                            .claim("kubernetes.io", Map.of("namespace", "team-a",
                                    "serviceaccount", Map.of("name", "admin", "uid", "x"))).build()).split("\\.");
                    return genuine[0] + "." + forged[1] + "." + genuine[2];
                }, Outcome.REJECTED, "signature"),
                new Case("a signature with one bit flipped", () -> {
                    String token = signedByUs(validSet().build());
                    char last = token.charAt(token.length() - 2);
                    return token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A')
                            + token.charAt(token.length() - 1);
                }, Outcome.REJECTED, "signature"),
                new Case("a token expired beyond the leeway",
                        () -> signer.sign(serviceAccountClaims(NOW.minusSeconds(3661), Duration.ofHours(1))),
                        Outcome.REJECTED, "expired"),
                new Case("a token expired within the leeway",
                        () -> signer.sign(serviceAccountClaims(NOW.minusSeconds(3630), Duration.ofHours(1))),
                        Outcome.VERIFIED, null),
                new Case("a token not valid yet beyond the leeway",
                        () -> signedByUs(validSet().notBeforeTime(Date.from(NOW.plusSeconds(61))).build()),
                        Outcome.REJECTED, "not valid yet"),
                new Case("a token issued in the future beyond the leeway",
                        () -> signedByUs(validSet().issueTime(Date.from(NOW.plusSeconds(120))).build()),
                        Outcome.REJECTED, "issued in the future"),
                new Case("a token without expiry", () -> signedByUs(validSet().expirationTime(null).build()),
                        Outcome.REJECTED, "no expiry"),
                new Case("a token for another audience",
                        () -> signedByUs(validSet().audience(List.of("vault")).build()),
                        Outcome.REJECTED, "audiences [vault]"),
                new Case("a token for several audiences, one of them ours",
                        () -> signedByUs(validSet().audience(List.of("vault", ISSUER)).build()),
                        Outcome.VERIFIED, null),
                new Case("a subject that disagrees with the private claim",
                        () -> signedByUs(validSet().subject("system:serviceaccount:kube-system:admin").build()),
                        Outcome.REJECTED, "does not match the private claim"),
                new Case("no private claim", () -> signedByUs(validSet().claim("kubernetes.io", null).build()),
                        Outcome.REJECTED, "exactly one of the claims"),
                new Case("both private claims", () -> signedByUs(validSet().claim("berth.io/node-credential",
                                Map.of("secretName", "s", "secretUid", "u", "node", "n")).build()),
                        Outcome.REJECTED, "exactly one of the claims"),
                new Case("a private claim without the ServiceAccount uid", () -> signedByUs(validSet()
                                .claim("kubernetes.io", Map.of("namespace", "team-a",
                                        "serviceaccount", Map.of("name", "builder"))).build()),
                        Outcome.REJECTED, "serviceaccount uid"),
                new Case("a JWT of another issuer",
                        () -> signedByUs(validSet().issuer("https://accounts.example.com").build()),
                        Outcome.NOT_OURS, null),
                new Case("an opaque token", () -> "0123456789abcdef", Outcome.NOT_OURS, null),
                new Case("a bootstrap token", () -> "abcdef.0123456789abcdef", Outcome.NOT_OURS, null),
                new Case("three dots of garbage", () -> "a.b.c", Outcome.NOT_OURS, null),
                new Case("an empty token", () -> "", Outcome.NOT_OURS, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void verificationAcceptsOnlyValidTokensOfThisIssuer(Case c) {
        TokenVerifier.Result result = verifier.verify(c.token().get(), AUDIENCES);

        Function<TokenVerifier.Result, Outcome> outcome = r -> r instanceof TokenVerifier.Verified ? Outcome.VERIFIED
                : r instanceof TokenVerifier.Rejected ? Outcome.REJECTED : Outcome.NOT_OURS;
        assertThat(outcome.apply(result)).as(result.toString()).isEqualTo(c.outcome());
        if (c.reason() != null) {
            assertThat(((TokenVerifier.Rejected) result).reason()).contains(c.reason());
        }
    }

    @Test
    void aVerifierAcceptsTheKeysOfAJwkSetDocument() {
        TokenVerifier fromJwks = new TokenVerifier(ISSUER,
                ServiceAccountKeys.fromJwks(ServiceAccountKeys.jwks(List.of((ECPublicKey) ours.getPublic())), "test"),
                Clock.fixed(NOW, ZoneOffset.UTC), Duration.ZERO);

        assertThat(fromJwks.verify(signer.sign(nodeClaims()), AUDIENCES)).isInstanceOf(TokenVerifier.Verified.class);
    }

    @Test
    void theLeewayIsAtMostOneMinute() {
        List<ECPublicKey> keys = List.of((ECPublicKey) ours.getPublic());
        Clock clock = Clock.systemUTC();

        assertThatThrownBy(() -> new TokenVerifier(ISSUER, keys, clock, Duration.ofSeconds(61)))
                .hasMessageContaining("between 0 and 60 s");
        assertThatThrownBy(() -> new TokenVerifier(ISSUER, keys, clock, Duration.ofSeconds(-1)))
                .hasMessageContaining("between 0 and 60 s");
    }

    @Test
    void aSignerRefusesKeysThatAreNotAPair() {
        assertThatThrownBy(() -> new TokenSigner((ECPrivateKey) ours.getPrivate(), (ECPublicKey) other.getPublic()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not a key pair");
    }

    @Test
    void claimsWhoseSubjectDisagreesWithThePrivateClaimCannotBeBuilt() {
        assertThatThrownBy(() -> new TokenClaims(ISSUER, "system:node:other", AUDIENCES, NOW, NOW,
                NOW.plusSeconds(600), "jti", null,
                new TokenClaims.NodeCredentialClaim("node-credential-node-1", "uid", "node-1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not match");
    }
}
