package io.berth.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void portsAreDistinctAndBindableOnLoopback() throws IOException {
        int[] ports = FreePorts.next(20);

        assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(20);
        for (int port : ports) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(socket.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    void aPortIsNeverHandedOutTwice() {
        int first = FreePorts.next();

        assertThat(FreePorts.next(50)).doesNotContain(first);
    }
}
