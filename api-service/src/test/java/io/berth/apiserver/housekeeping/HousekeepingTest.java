package io.berth.apiserver.housekeeping;

import io.berth.apimachinery.storage.EtcdKeys;
import io.berth.testkit.EtcdExtension;
import io.berth.testkit.EtcdProcess;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.net.ssl.SSLException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Compaction by one elected replica, and Event leases, on a real etcd. */
@ExtendWith(EtcdExtension.class)
class HousekeepingTest {

    EtcdProcess etcd;
    Client client;
    EtcdKeys keys;

    @BeforeEach
    void setUp() throws SSLException {
        client = Client.builder().endpoints(etcd.endpoint())
                .sslContext(ssl -> ssl.trustManager(etcd.caCert().toFile())
                        .keyManager(etcd.clientCert().toFile(), etcd.clientKey().toFile()))
                .build();
        keys = new EtcdKeys("/hk-" + UUID.randomUUID());
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    private long put(String key) {
        return client.getKVClient().put(ByteSequence.from(key, StandardCharsets.UTF_8),
                ByteSequence.from("v", StandardCharsets.UTF_8)).join().getHeader().getRevision();
    }

    private void getAt(String key, long revision) {
        client.getKVClient().get(ByteSequence.from(key, StandardCharsets.UTF_8),
                GetOption.builder().withRevision(revision).build()).join();
    }

    @Test
    void oneOfTwoReplicasCompactsToTheRevisionRecordedARoundEarlier() {
        String key = keys.internalKey("data");
        long old = put(key);
        put(key);
        try (Compactor a = new Compactor(client, keys, Duration.ZERO);
             Compactor b = new Compactor(client, keys, Duration.ZERO)) {
            a.round();
            b.round();
            long recorded = put(key) - 1;
            put(key);

            a.round();
            b.round();

            assertThatThrownBy(() -> getAt(key, old)).hasMessageContaining("compacted");
            getAt(key, recorded);
        }
    }

    @Test
    void eventsShareALeaseThatOutlivesTheirTtl() {
        EventLeases leases = new EventLeases(client, Clock.systemUTC(), Duration.ofHours(1));

        long first = leases.lease().join();
        long second = leases.lease().join();

        assertThat(second).isEqualTo(first);
        long ttl = client.getLeaseClient().timeToLive(first, LeaseOption.DEFAULT).join().getTTL();
        assertThat(ttl).isBetween(3600L, 3600L + 60);
    }
}
