package io.berth.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(EtcdExtension.class)
class EtcdProcessTest {

    EtcdProcess injected;

    @Test
    void startsWithTlsOnALoopbackPort(EtcdProcess etcd) {
        assertThat(etcd.endpoint()).matches("https://127\\.0\\.0\\.1:\\d+");
        assertThat(etcd.isRunning()).isTrue();
    }

    @Test
    void aClientWithTheApiServiceCertificateReachesHealth(EtcdProcess etcd) throws Exception {
        HttpResponse<String> response = get(PemSsl.mutual(etcd.caCert(), etcd.clientCert(), etcd.clientKey()), etcd, "/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"health\":\"true\"");
    }

    @Test
    void aClientWithoutACertificateIsRefused(EtcdProcess etcd) {
        assertThatThrownBy(() -> get(PemSsl.trusting(etcd.caCert()), etcd, "/health"))
                .isInstanceOf(IOException.class);
    }

    @Test
    void aClientWithACertificateOfAnotherCaIsRefused(EtcdProcess etcd) {
        Path pki = etcd.pkiDir();
        SSLContext gatewayIdentity = PemSsl.mutual(etcd.caCert(), pki.resolve(Pki.GATEWAY_CERT), pki.resolve(Pki.GATEWAY_KEY));

        assertThatThrownBy(() -> get(gatewayIdentity, etcd, "/health")).isInstanceOf(IOException.class);
    }

    @Test
    void exposesTheApiServiceClientCredentialsOfItsPki(EtcdProcess etcd) {
        assertThat(etcd.clientCert()).isEqualTo(etcd.pkiDir().resolve("apiserver-etcd-client.crt")).isRegularFile();
        assertThat(etcd.clientKey()).isEqualTo(etcd.pkiDir().resolve("apiserver-etcd-client.key")).isRegularFile();
        assertThat(etcd.caCert()).isEqualTo(etcd.pkiDir().resolve("etcd/ca.crt")).isRegularFile();
    }

    @Test
    void injectsTheSameEtcdIntoFieldsAndParameters(EtcdProcess etcd) {
        assertThat(injected).isSameAs(etcd);
    }

    @Test
    void aStoppedEtcdRefusesClientsAndARestartedOneServesTheSameEndpoint() {
        try (EtcdProcess etcd = EtcdProcess.start()) {
            String endpoint = etcd.endpoint();

            etcd.stop();
            assertThat(etcd.isRunning()).isFalse();
            assertThat(etcd.isHealthy()).isFalse();

            etcd.restart();
            assertThat(etcd.endpoint()).isEqualTo(endpoint);
            assertThat(etcd.isHealthy()).isTrue();
        }
    }

    @Test
    void closingStopsEtcdAndDeletesItsData() {
        EtcdProcess etcd = EtcdProcess.start();
        Path data = etcd.dataDir();
        assertThat(data).isDirectory();

        etcd.close();

        assertThat(etcd.isRunning()).isFalse();
        assertThat(Files.exists(data)).isFalse();
        etcd.close();
    }

    @Test
    void aPortTakenBetweenChoosingAndBindingIsRetriedOnOtherPorts() throws IOException {
        Path binary = LocalEtcd.findBinary(System.getenv("PATH")).orElseThrow();
        Path pki = Pki.shared();
        AtomicInteger attempts = new AtomicInteger();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Supplier<EtcdRuntime> runtimes = () -> attempts.incrementAndGet() == 1
                    ? new LocalEtcd(binary, pki, taken.getLocalPort(), FreePorts.next())
                    : new LocalEtcd(binary, pki, FreePorts.next(), FreePorts.next());

            try (EtcdProcess etcd = EtcdProcess.start(pki, runtimes)) {
                assertThat(attempts).hasValue(2);
                assertThat(etcd.endpoint()).doesNotEndWith(":" + taken.getLocalPort());
                assertThat(etcd.isHealthy()).isTrue();
            }
        }
    }

    @Test
    void anEtcdThatExitsAtStartFailsAtOnceWithItsLog(@TempDir Path brokenPki) throws IOException {
        Pki.generate(brokenPki);
        Files.writeString(brokenPki.resolve(Pki.ETCD_SERVER_KEY), "not a key");
        long started = System.nanoTime();

        assertThatThrownBy(() -> EtcdProcess.start(brokenPki))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited before it became healthy")
                .hasMessageContaining("last log lines")
                .hasMessageContaining("server.key");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(EtcdProcess.STARTUP_TIMEOUT);
    }

    @Test
    void aFolderWithoutTheEtcdCertificatesIsRefusedBeforeStarting(@TempDir Path emptyPki) {
        assertThatThrownBy(() -> EtcdProcess.start(emptyPki))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Pki.generate");
    }

    private static HttpResponse<String> get(SSLContext ssl, EtcdProcess etcd, String path) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(etcd.endpoint() + path)).timeout(Duration.ofSeconds(10)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
