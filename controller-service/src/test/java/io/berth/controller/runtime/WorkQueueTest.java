package io.berth.controller.runtime;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class WorkQueueTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong now = new AtomicLong();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final WorkQueue queue = new WorkQueue(new RateLimiter(Duration.ofMillis(5), Duration.ofSeconds(1000),
            10, 100, now::get), timer, new WorkQueueMetrics(registry, "test"), now::get);

    @AfterEach
    void stop() {
        queue.close();
        timer.shutdownNow();
    }

    @Test
    void aKeyAddedManyTimesBeforeAWorkerTakesItIsProcessedOnce() throws Exception {
        queue.add("ns/a");
        queue.add("ns/b");
        queue.add("ns/a");
        queue.add("ns/a");

        assertThat(queue.length()).isEqualTo(2);
        assertThat(queue.get()).isEqualTo("ns/a");
        assertThat(queue.get()).isEqualTo("ns/b");
        assertThat(queue.length()).isZero();
    }

    @Test
    void aKeyAddedWhileItIsProcessedWaitsUntilDoneAndThenComesBackOnce() throws Exception {
        queue.add("ns/a");
        String taken = queue.get();
        queue.add("ns/a");
        queue.add("ns/a");

        // never handed to a second worker while the first has it
        assertThat(queue.length()).isZero();
        queue.done(taken);
        assertThat(queue.length()).isEqualTo(1);
        assertThat(queue.get()).isEqualTo("ns/a");
        queue.done("ns/a");
        assertThat(queue.length()).isZero();
    }

    @Test
    void aKeyNotAddedAgainWhileProcessedIsGoneWhenDone() throws Exception {
        queue.add("ns/a");
        queue.done(queue.get());
        assertThat(queue.length()).isZero();
    }

    @Test
    void addAfterQueuesTheKeyOnlyOnceItsDelayHasPassed() {
        queue.addAfter("ns/later", Duration.ofMillis(300));
        assertThat(queue.length()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.length() == 1);
    }

    @Test
    void closingWakesWaitingWorkersWithNoKeyAndIgnoresLaterAdds() throws Exception {
        List<String> got = new ArrayList<>();
        Thread worker = new Thread(() -> {
            try {
                got.add(String.valueOf(queue.get()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        worker.start();
        queue.close();
        worker.join(5_000);
        assertThat(got).containsExactly("null");
        queue.add("ns/a");
        assertThat(queue.length()).isZero();
    }

    @Test
    void metricsCountAddsRetriesAndDepthUnderKubernetesNames() throws Exception {
        queue.add("ns/a");
        queue.add("ns/a");
        queue.add("ns/b");
        assertThat(registry.get("workqueue_depth").tag("name", "test").gauge().value()).isEqualTo(2);
        assertThat(registry.get("workqueue_adds").tag("name", "test").counter().count()).isEqualTo(2);
        now.addAndGet(Duration.ofMillis(40).toNanos());
        String key = queue.get();
        now.addAndGet(Duration.ofMillis(10).toNanos());
        queue.done(key);
        queue.addRateLimited("ns/a");
        assertThat(registry.get("workqueue_retries").tag("name", "test").counter().count()).isEqualTo(1);
        assertThat(registry.get("workqueue_queue_duration_seconds").tag("name", "test").summary().max())
                .isEqualTo(0.04);
        assertThat(registry.get("workqueue_work_duration_seconds").tag("name", "test").summary().max())
                .isEqualTo(0.01);
    }
}
