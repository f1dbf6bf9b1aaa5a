package io.berth.gateway.audit;

import io.berth.apimachinery.request.RequestInfo;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

/** The queue between requests and the store: bounded, never blocking, never throwing. */
class AuditWriterTest {

    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private AuditWriter writer;

    @AfterEach
    void stop() {
        if (writer != null) {
            writer.close();
        }
    }

    private static AuditProperties props(int capacity, DataSize bodyBudget) {
        return new AuditProperties(true, "./unused", capacity, bodyBudget, DataSize.ofKilobytes(64), 7, 1000,
                Duration.ofHours(1), 500);
    }

    private AuditWriter start(AuditStore store, AuditProperties props) {
        writer = new AuditWriter(store, props, meters, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(5));
        writer.start();
        return writer;
    }

    private static PendingEvent event(String body) {
        RequestInfo info = RequestInfo.parse("POST", "/api/v1/namespaces/team/configmaps", null);
        AuditEvent e = new AuditEvent(UUID.randomUUID().toString(), NOW, "alice", List.of(), "127.0.0.1", "create", "",
                "configmaps", "", "team", "", "/api/v1/namespaces/team/configmaps", 201, 1, "", null, false, null);
        return new PendingEvent(e, info, body == null ? null
                : new CapturedBody(body.getBytes(StandardCharsets.UTF_8), false, "application/json", null));
    }

    private double dropped(String reason) {
        return meters.get("berth.audit.dropped").tag("reason", reason).counter().count();
    }

    /** Blocks every insert until released. */
    static final class BlockedStore extends RecordingStore {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void insert(List<AuditEvent> batch) {
            entered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            super.insert(batch);
        }
    }

    @Test
    void aFullQueueDropsAndCountsWithoutBlocking() throws InterruptedException {
        BlockedStore store = new BlockedStore();
        start(store, props(10, DataSize.ofMegabytes(1)));
        writer.submit(event(null));
        assertThat(store.entered.await(10, TimeUnit.SECONDS)).as("the writer is stuck in the store").isTrue();

        long began = System.nanoTime();
        int accepted = 0;
        for (int i = 0; i < 15; i++) {
            accepted += writer.submit(event(null)) ? 1 : 0;
        }
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);

        assertThat(accepted).isEqualTo(10);
        assertThat(dropped("queue_full")).isEqualTo(5);
        assertThat(took).as("submitting to a full queue never waits for the store").isLessThan(1000);
        store.release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> store.events.size() == 11);
    }

    @Test
    void aFailingStoreIsCountedAndTheWriterGoesOn() {
        AtomicBoolean fail = new AtomicBoolean(true);
        RecordingStore store = new RecordingStore() {
            @Override
            public void insert(List<AuditEvent> batch) {
                if (fail.getAndSet(false)) {
                    throw new IllegalStateException("database is gone");
                }
                super.insert(batch);
            }
        };
        start(store, props(10, DataSize.ofMegabytes(1)));

        assertThatCode(() -> writer.submit(event(null))).doesNotThrowAnyException();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> meters.get("berth.audit.store.errors").counter().count() == 1);
        writer.submit(event(null));

        await().atMost(Duration.ofSeconds(10)).until(() -> store.events.size() == 1);
        assertThat(dropped("store_error")).isEqualTo(1);
        assertThat(meters.get("berth.audit.recorded").counter().count()).isEqualTo(1);
    }

    @Test
    void bodiesBeyondTheQueuesMemoryBudgetAreLeftOut() throws InterruptedException {
        BlockedStore store = new BlockedStore();
        start(store, props(10, DataSize.ofBytes(30)));
        writer.submit(event(null));
        assertThat(store.entered.await(10, TimeUnit.SECONDS)).isTrue();

        writer.submit(event("{\"kind\":\"ConfigMap\"}"));
        writer.submit(event("{\"kind\":\"ConfigMap\"}"));
        store.release.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> store.events.size() == 3);
        assertThat(store.events.get(1).requestBody()).isEqualTo("{\"kind\":\"ConfigMap\"}");
        assertThat(store.events.get(2).requestBody()).isNull();
        assertThat(store.events.get(2).bodyNote()).isEqualTo("body not recorded: audit queue over its memory budget");
    }

    @Test
    void bodiesAreRedactedBeforeTheyReachTheStore() {
        RecordingStore store = new RecordingStore();
        start(store, props(10, DataSize.ofMegabytes(1)));
        RequestInfo info = RequestInfo.parse("POST", "/api/v1/namespaces/team/secrets", null);
        PendingEvent secret = new PendingEvent(event(null).event(), info, new CapturedBody(
                "{\"stringData\":{\"password\":\"hunter2\"}}".getBytes(StandardCharsets.UTF_8), false,
                "application/json", null));

        writer.submit(secret);

        await().atMost(Duration.ofSeconds(10)).until(() -> store.events.size() == 1);
        assertThat(store.events.get(0).requestBody()).isEqualTo("{\"stringData\":{\"password\":\"<redacted>\"}}");
    }

    @Test
    void theRetentionPurgeRunsAtStartWithTheConfiguredLimits() {
        RecordingStore store = new RecordingStore();
        start(store, props(10, DataSize.ofMegabytes(1)));

        await().atMost(Duration.ofSeconds(10)).until(() -> !store.purges.isEmpty());
        assertThat(store.purges.get(0)).isEqualTo(NOW.minus(Duration.ofDays(7)));
        assertThat(store.purgeKeep).isEqualTo(1000);
    }

    @Test
    void closingWritesWhatIsQueuedAndThenDropsNewEvents() throws InterruptedException {
        BlockedStore store = new BlockedStore();
        start(store, props(10, DataSize.ofMegabytes(1)));
        writer.submit(event(null));
        assertThat(store.entered.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 5; i++) {
            writer.submit(event(null));
        }

        Thread closer = new Thread(writer::close);
        closer.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !writer.running());
        assertThat(writer.submit(event(null))).isFalse();
        store.release.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(20));

        assertThat(closer.isAlive()).isFalse();
        assertThat(store.events).hasSize(6);
        assertThat(dropped("closed")).isEqualTo(1);
    }
}
