package io.berth.gateway.authn;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.errors.ApiException;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BootstrapTokenAuthenticatorTest {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final String ID = "abcdef";
    static final String SECRET = "0123456789abcdef";
    static final String TOKEN = ID + "." + SECRET;

    /** The Secret {@code kubeadm token create} writes, with {@code data} as an informer delivers it (base64). */
    static Secret bootstrapSecret(Map<String, String> overrides, UnaryOperator<SecretBuilder> edit) {
        Map<String, String> data = new LinkedHashMap<>(Map.of(
                "token-id", ID,
                "token-secret", SECRET,
                "expiration", "2026-03-02T00:00:00Z",
                "usage-bootstrap-authentication", "true",
                "usage-bootstrap-signing", "true"));
        data.putAll(overrides);
        data.values().removeIf(v -> v == null);
        Map<String, String> encoded = new LinkedHashMap<>();
        data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        SecretBuilder builder = new SecretBuilder()
                .withNewMetadata().withNamespace("kube-system").withName("bootstrap-token-" + ID).withUid("uid-1")
                .endMetadata()
                .withType("bootstrap.kubernetes.io/token")
                .withData(encoded);
        return edit.apply(builder).build();
    }

    static BootstrapTokenAuthenticator authenticator(Secret secret) {
        InMemoryLookups lookups = new InMemoryLookups();
        if (secret != null) {
            lookups.secret(secret);
        }
        return new BootstrapTokenAuthenticator(lookups, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void aValidTokenIsTheBootstrapUserOfItsId() {
        Optional<UserInfo> user = authenticator(bootstrapSecret(Map.of(), b -> b)).authenticate(TOKEN);

        assertThat(user).contains(UserInfo.of("system:bootstrap:abcdef", "",
                List.of("system:bootstrappers", "system:authenticated")));
    }

    @Test
    void extraGroupsThatStartWithSystemBootstrappersAreAdded() {
        Secret secret = bootstrapSecret(Map.of("auth-extra-groups",
                "system:bootstrappers:kubeadm:default-node-token,system:bootstrappers:berth:workers"), b -> b);

        UserInfo user = authenticator(secret).authenticate(TOKEN).orElseThrow();

        assertThat(user.groups()).containsExactly("system:bootstrappers",
                "system:bootstrappers:berth:workers", "system:bootstrappers:kubeadm:default-node-token",
                "system:authenticated");
    }

    @Test
    void aTokenWithoutExpirationDoesNotExpire() {
        Secret secret = bootstrapSecret(new LinkedHashMap<>(java.util.Collections.singletonMap("expiration", null)),
                b -> b);

        assertThat(authenticator(secret).authenticate(TOKEN)).isPresent();
    }

    record Other(String description, String token) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Other> otherFormats() {
        return Stream.of(
                new Other("a static token", "4f6c1d6e0a9b4e1f9c3b2a1d0e9f8a7b"),
                new Other("a JWT", "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"),
                new Other("upper-case characters", "ABCDEF.0123456789abcdef"),
                new Other("a short id", "abcde.0123456789abcdef"),
                new Other("a long secret", "abcdef.0123456789abcdef0"),
                new Other("a colon instead of a dot", "abcdef:0123456789abcdef"),
                new Other("trailing whitespace", TOKEN + " "));
    }

    @ParameterizedTest(name = "{0} is left to other authenticators")
    @MethodSource("otherFormats")
    void tokensOfAnotherFormatAreNotRecognised(Other other) {
        assertThat(authenticator(bootstrapSecret(Map.of(), b -> b)).authenticate(other.token())).isEmpty();
    }

    record Invalid(String description, Secret secret, String token) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Invalid> invalid() {
        return Stream.of(
                new Invalid("no Secret for the id", null, TOKEN),
                new Invalid("a wrong token secret", bootstrapSecret(Map.of(), b -> b), ID + ".0123456789abcdee"),
                new Invalid("a Secret of another type", bootstrapSecret(Map.of(), b -> b.withType("Opaque")), TOKEN),
                new Invalid("a Secret being deleted", bootstrapSecret(Map.of(),
                        b -> b.editMetadata().withDeletionTimestamp("2026-03-01T11:59:00Z").endMetadata()), TOKEN),
                new Invalid("an expired token", bootstrapSecret(Map.of("expiration", "2026-03-01T11:59:59Z"), b -> b),
                        TOKEN),
                new Invalid("an expiration in another offset that has passed",
                        bootstrapSecret(Map.of("expiration", "2026-03-01T13:59:59+02:00"), b -> b), TOKEN),
                new Invalid("an unparsable expiration", bootstrapSecret(Map.of("expiration", "tomorrow"), b -> b),
                        TOKEN),
                new Invalid("not marked for authentication",
                        bootstrapSecret(Map.of("usage-bootstrap-authentication", "false"), b -> b), TOKEN),
                new Invalid("no usage key at all",
                        bootstrapSecret(new LinkedHashMap<>(java.util.Collections.singletonMap(
                                "usage-bootstrap-authentication", null)), b -> b), TOKEN),
                new Invalid("a token-id that differs from the name",
                        bootstrapSecret(Map.of("token-id", "zzzzzz"), b -> b), TOKEN),
                new Invalid("an extra group outside system:bootstrappers:",
                        bootstrapSecret(Map.of("auth-extra-groups", "system:masters"), b -> b), TOKEN),
                new Invalid("an extra group that is the bare prefix",
                        bootstrapSecret(Map.of("auth-extra-groups", "system:bootstrappers:"), b -> b), TOKEN),
                new Invalid("one good and one bad extra group", bootstrapSecret(Map.of("auth-extra-groups",
                        "system:bootstrappers:ok,system:nodes"), b -> b), TOKEN),
                new Invalid("a Secret without data", bootstrapSecret(Map.of(), b -> b.withData(null)), TOKEN));
    }

    @ParameterizedTest(name = "{0} is 401")
    @MethodSource("invalid")
    void wellFormedTokensThatDoNotMatchAValidSecretAreUnauthorized(Invalid invalid) {
        BootstrapTokenAuthenticator authenticator = authenticator(invalid.secret());

        assertThatThrownBy(() -> authenticator.authenticate(invalid.token()))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(401);
                    assertThat(e.reason()).isEqualTo("Unauthorized");
                    assertThat(e.getMessage()).doesNotContain(SECRET);
                });
    }
}
