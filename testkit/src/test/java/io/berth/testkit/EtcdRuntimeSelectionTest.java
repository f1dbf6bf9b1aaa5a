package io.berth.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcdRuntimeSelectionTest {

    @TempDir
    Path tmp;

    @Test
    void withoutAnEtcdBinaryOrDockerEngineStartingFailsWithAnInstallHint() {
        assertThatThrownBy(() -> EtcdProcess.runtimes(tmp, tmp.toString(), () -> false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("apt-get install -y etcd-server");
    }

    @Test
    void anEtcdBinaryOnPathIsPreferredAndDockerIsNotAsked() throws IOException {
        Path bin = Files.createDirectory(tmp.resolve("bin"));
        Files.createFile(bin.resolve("etcd"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        AtomicBoolean dockerAsked = new AtomicBoolean();

        EtcdProcess.runtimes(tmp, "/nonexistent:" + bin, () -> dockerAsked.getAndSet(true));

        assertThat(dockerAsked).isFalse();
        assertThat(LocalEtcd.findBinary("/nonexistent:" + bin)).contains(bin.resolve("etcd"));
    }

    @Test
    void aFileNamedEtcdThatIsNotExecutableIsNotTheBinary() throws IOException {
        Files.createFile(tmp.resolve("etcd"));

        assertThat(LocalEtcd.findBinary(tmp.toString())).isEmpty();
    }

    @Test
    void withoutABinaryButWithADockerEngineTheContainerIsUsed() {
        assertThat(EtcdProcess.runtimes(tmp, tmp.toString(), () -> true)).isNotNull();
    }

    @Test
    void theContainerFallbackServesTlsWithClientCertificates() {
        assumeTrue(ContainerEtcd.dockerAvailable(), "no Docker engine on this machine");

        try (EtcdProcess etcd = EtcdProcess.start(Pki.shared(), () -> new ContainerEtcd(Pki.shared()))) {
            assertThat(etcd.endpoint()).startsWith("https://");
            assertThat(etcd.isHealthy()).isTrue();
        }
    }
}
