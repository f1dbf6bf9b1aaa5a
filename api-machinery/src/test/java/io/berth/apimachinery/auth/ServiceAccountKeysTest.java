package io.berth.apimachinery.auth;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceAccountKeysTest {

    /** A throwaway key made with {@code openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256} for this test. */
    static final String PRIVATE_KEY = """
            -----BEGIN PRIVATE KEY-----
            MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgBrrw1FWSPWy7SPk8
            f5T96D6DFft4DkSBOscSlRpN7G2hRANCAATE/BiOvRV9tfKCU0SkmbZ9SnAFVeoK
            Xd7Sk7zEBCLfY8odnePISvPG+KbJ3nyErkK1m7GyuAtVFrGEYmFhiEHa
            -----END PRIVATE KEY-----
            """;
    /** {@code openssl pkey -in key -pubout}. */
    static final String PUBLIC_KEY = """
            -----BEGIN PUBLIC KEY-----
            MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAExPwYjr0VfbXyglNEpJm2fUpwBVXq
            Cl3e0pO8xAQi32PKHZ3jyErzxvimyd58hK5CtZuxsrgLVRaxhGJhYYhB2g==
            -----END PUBLIC KEY-----
            """;
    /**
     * Kubernetes' key id computed outside Java: {@code openssl pkey -pubout -outform DER | openssl dgst -sha256 -binary
     * | base64url}.
     */
    static final String KEY_ID = "d371C-BxdP9sZC4w3NnARSGQHP2XmqA5BOtSenOZdlE";
    static final String P384_PRIVATE_KEY = """
            -----BEGIN PRIVATE KEY-----
            MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDBtRL6kuk2A7xnyVaNQ
            ix8YID4dugyRfmCJmABIZ4w0xKdRrinxPsBlXwldEAsV2pihZANiAATCV1kvEke5
            ia7JN7nMqFTwl7U7XFwuCMPS2MvDQhkQ88PGZc9eOlzqoLqI851CEpZM8CMGhzjE
            ptSOhE978s9/oxo/kVLDNVt1BGUuCS2DTlJlvG7ExKOfZmef35hgkqw=
            -----END PRIVATE KEY-----
            """;

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void theKeyIdIsKubernetesSha256OfTheSubjectPublicKeyInfo() throws IOException {
        List<ECPublicKey> keys = ServiceAccountKeys.readPublicKeys(write("sa.pub", PUBLIC_KEY));

        assertThat(keys).hasSize(1);
        assertThat(ServiceAccountKeys.keyId(keys.get(0))).isEqualTo(KEY_ID);
    }

    @Test
    void aPrivateKeyAndItsPublicHalfSignAndVerifyAsAPair() throws IOException {
        ECPrivateKey privateKey = ServiceAccountKeys.readPrivateKey(write("sa.key", PRIVATE_KEY));
        ECPublicKey publicKey = ServiceAccountKeys.readPublicKeys(write("sa.pub", PUBLIC_KEY)).get(0);

        TokenSigner signer = new TokenSigner(privateKey, publicKey);

        assertThat(signer.keyId()).isEqualTo(KEY_ID);
    }

    @Test
    void theJwkSetPublishesTheKeyAsKubernetesDoesAndReadsBack() throws Exception {
        ECPublicKey key = ServiceAccountKeys.readPublicKeys(write("sa.pub", PUBLIC_KEY)).get(0);

        String jwks = ServiceAccountKeys.jwks(List.of(key));

        ECKey jwk = (ECKey) JWKSet.parse(jwks).getKeys().get(0);
        assertThat(jwk.getKeyID()).isEqualTo(KEY_ID);
        assertThat(jwk.getAlgorithm().getName()).isEqualTo("ES256");
        assertThat(jwk.getKeyUse().identifier()).isEqualTo("sig");
        assertThat(jwk.isPrivate()).isFalse();
        assertThat(ServiceAccountKeys.readPublicKeys(write("jwks.json", jwks))).containsExactly(key);
    }

    record BadFile(String description, String content, String expectedMessage, Function<Path, ?> reader) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<BadFile> badFiles() {
        Function<Path, ?> privateKey = ServiceAccountKeys::readPrivateKey;
        Function<Path, ?> publicKeys = ServiceAccountKeys::readPublicKeys;
        return Stream.of(
                new BadFile("a missing private key file", null, "does not exist; bin/berth up", privateKey),
                new BadFile("a missing public key file", null, "does not exist; bin/berth up", publicKeys),
                new BadFile("a public key where the private key belongs", PUBLIC_KEY, "found 0", privateKey),
                new BadFile("a P-384 private key", P384_PRIVATE_KEY, "not on curve P-256", privateKey),
                new BadFile("a private key block that is not a key",
                        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                        "is not an EC P-256 private key", privateKey),
                new BadFile("two private keys", PRIVATE_KEY + P384_PRIVATE_KEY, "found 2", privateKey),
                new BadFile("a public key file without keys", "nothing here\n", "holds no key", publicKeys),
                new BadFile("a JWK set that does not parse", "{\"keys\": 3}", "cannot be parsed", publicKeys));
    }

    @ParameterizedTest(name = "{0} fails with a message naming the file")
    @MethodSource("badFiles")
    void unusableKeyFilesFailWithAMessageThatNamesTheFileButNoKeyMaterial(BadFile bad) throws IOException {
        Path file = bad.content() == null ? dir.resolve("absent.pem") : write("key.pem", bad.content());

        assertThatThrownBy(() -> bad.reader().apply(file))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(bad.expectedMessage())
                .hasMessageNotContaining("MIG");
    }
}
