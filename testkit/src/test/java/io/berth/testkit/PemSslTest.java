package io.berth.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemSslTest {

    @Test
    void aKeyThatIsNotPkcs8IsRefusedWithTheCommandThatConvertsIt(@TempDir Path tmp) throws IOException {
        Path sec1 = Files.writeString(tmp.resolve("old.key"), "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");

        assertThatThrownBy(() -> PemSsl.privateKey(sec1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void aFileWithoutCertificatesIsRefused(@TempDir Path tmp) throws IOException {
        Path empty = Files.writeString(tmp.resolve("empty.crt"), "");

        assertThatThrownBy(() -> PemSsl.certificates(empty)).isInstanceOf(IllegalStateException.class);
    }
}
