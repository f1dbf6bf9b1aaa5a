package io.berth.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PkiTest {

    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    @TempDir
    static Path pki;

    @BeforeAll
    static void generate() {
        Pki.generate(pki, "berth.example.test", "10.1.2.3");
    }

    record Ca(String cert, String commonName) {
    }

    record Leaf(String cert, String issuer, String commonName, List<String> extendedKeyUsages) {
    }

    static Stream<Ca> cas() {
        return Stream.of(
                new Ca(Pki.CA_CERT, "berth-ca"),
                new Ca(Pki.FRONT_PROXY_CA_CERT, "berth-front-proxy-ca"),
                new Ca(Pki.ETCD_CA_CERT, "berth-etcd-ca"));
    }

    static Stream<Leaf> leaves() {
        return Stream.of(
                new Leaf(Pki.GATEWAY_CERT, Pki.CA_CERT, "berth-gateway", List.of(SERVER_AUTH)),
                new Leaf(Pki.APISERVER_CERT, Pki.CA_CERT, "berth-apiserver", List.of(SERVER_AUTH)),
                new Leaf(Pki.FRONT_PROXY_CLIENT_CERT, Pki.FRONT_PROXY_CA_CERT, "system:berth-gateway", List.of(CLIENT_AUTH)),
                new Leaf(Pki.ETCD_SERVER_CERT, Pki.ETCD_CA_CERT, "berth-etcd-server", List.of(SERVER_AUTH, CLIENT_AUTH)),
                new Leaf(Pki.APISERVER_ETCD_CLIENT_CERT, Pki.ETCD_CA_CERT, "berth-api-service", List.of(CLIENT_AUTH)),
                new Leaf(Pki.KUBELET_SERVING_CERT, Pki.CA_CERT, "berth-kubelet-serving", List.of(SERVER_AUTH)),
                new Leaf(Pki.APISERVER_KUBELET_CLIENT_CERT, Pki.CA_CERT, "system:berth-apiserver-kubelet-client",
                        List.of(CLIENT_AUTH)));
    }

    @ParameterizedTest
    @MethodSource("cas")
    void aCaIsSelfSignedAndValidForTenYears(Ca ca) throws Exception {
        X509Certificate cert = certificate(ca.cert());

        cert.verify(cert.getPublicKey());
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=" + ca.commonName());
        assertThat(cert.getBasicConstraints()).as("CA basic constraint").isGreaterThanOrEqualTo(0);
        assertThat(validity(cert)).isBetween(Duration.ofDays(3649), Duration.ofDays(3651));
    }

    @ParameterizedTest
    @MethodSource("leaves")
    void aLeafIsSignedByItsCaForOneYearWithItsNameAndUsage(Leaf leaf) throws Exception {
        X509Certificate cert = certificate(leaf.cert());

        cert.verify(certificate(leaf.issuer()).getPublicKey());
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=" + leaf.commonName());
        assertThat(cert.getExtendedKeyUsage()).containsExactlyInAnyOrderElementsOf(leaf.extendedKeyUsages());
        assertThat(cert.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(validity(cert)).isBetween(Duration.ofDays(364), Duration.ofDays(366));
    }

    @Test
    void theGatewayCertificateNamesLocalhostLoopbackAndTheExtraNames() throws Exception {
        assertThat(sans(Pki.GATEWAY_CERT)).containsExactlyInAnyOrder(
                List.of(DNS_NAME, "localhost"), List.of(IP_ADDRESS, "127.0.0.1"),
                List.of(DNS_NAME, "berth.example.test"), List.of(IP_ADDRESS, "10.1.2.3"));
    }

    @Test
    void theServingCertificatesOfTheApiServiceEtcdAndTheNodeAgentsNameLocalhostAndLoopback() throws Exception {
        for (String cert : List.of(Pki.APISERVER_CERT, Pki.ETCD_SERVER_CERT, Pki.KUBELET_SERVING_CERT)) {
            assertThat(sans(cert)).as(cert).containsExactlyInAnyOrder(List.of(DNS_NAME, "localhost"), List.of(IP_ADDRESS, "127.0.0.1"));
        }
    }

    @Test
    void keyFilesAreUnencryptedPkcs8P256KeysOnlyTheOwnerCanRead() throws IOException {
        List<Path> keys = files().stream().filter(p -> p.toString().endsWith(".key")).toList();

        assertThat(keys).hasSize(11);
        for (Path key : keys) {
            assertThat(Files.getPosixFilePermissions(key)).as(key.toString())
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            assertThat(Files.readString(key)).as(key.toString()).startsWith("-----BEGIN PRIVATE KEY-----");
            assertThat(PemSsl.privateKey(key)).as(key.toString()).isInstanceOfSatisfying(ECPrivateKey.class,
                    ec -> assertThat(ec.getParams().getCurve().getField().getFieldSize()).isEqualTo(256));
        }
    }

    @Test
    void theServiceAccountPublicKeyIsThePublicHalfOfItsSigningKey() throws Exception {
        String pem = Files.readString(pki.resolve("sa.pub"));
        assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----");
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        PublicKey publicKey = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(PemSsl.privateKey(pki.resolve("sa.key")));
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();

        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(publicKey);
        verifier.update(new byte[] {1, 2, 3});
        assertThat(verifier.verify(signature)).isTrue();
    }

    @Test
    void generatingAgainChangesNothing() throws IOException {
        Map<Path, FileTime> before = modificationTimes();

        Pki.generate(pki, "berth.example.test", "10.1.2.3");

        assertThat(modificationTimes()).isEqualTo(before);
    }

    @Test
    void generatingIntoAFolderThatCannotExistFailsWithTheLaunchersMessage(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a folder");

        assertThatThrownBy(() -> Pki.generate(file.resolve("pki")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bin/berth")
                .hasMessageContaining("pki")
                .hasMessageContaining("exit code");
    }

    @Test
    void aSanThatIsNeitherANameNorAnAddressIsRefused(@TempDir Path tmp) {
        assertThatThrownBy(() -> Pki.generate(tmp.resolve("pki"), "bad name;rm"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not a DNS name or IP address");
    }

    private static X509Certificate certificate(String name) {
        return PemSsl.certificates(pki.resolve(name)).get(0);
    }

    private static Duration validity(X509Certificate cert) {
        return Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
    }

    private static Set<List<?>> sans(String name) throws Exception {
        return Set.copyOf(certificate(name).getSubjectAlternativeNames());
    }

    private static List<Path> files() throws IOException {
        try (Stream<Path> paths = Files.walk(pki)) {
            return paths.filter(Files::isRegularFile).toList();
        }
    }

    private static Map<Path, FileTime> modificationTimes() throws IOException {
        Map<Path, FileTime> times = new TreeMap<>();
        for (Path file : files()) {
            times.put(file, Files.getLastModifiedTime(file));
        }
        assertThat(times).hasSize(22);
        return times;
    }
}
