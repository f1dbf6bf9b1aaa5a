package io.berth.gateway.limits;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PriorityLevelTest {

    @Test
    void underConcurrentArrivalsTimeOutsAndCancellationsNoSeatIsLostOrOverbooked() throws Exception {
        LimitsProperties defaults = LimitsProperties.defaults();
        LimitsProperties props = new LimitsProperties(true, Duration.ofMillis(20), 16, Duration.ofMinutes(5), 100,
                defaults.exemptGroups(), defaults.systemUsers(), defaults.simulatorUsers(), Map.of());
        PriorityLevelConfiguration config = new PriorityLevelConfiguration("global-default", false, 8, 0.25, 0,
                Duration.ofSeconds(1));
        BulkheadRegistry bulkheads = BulkheadRegistry.ofDefaults();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        PriorityLevel level = new PriorityLevel(config, props, bulkheads, meters, Schedulers.parallel());

        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        Map<String, AtomicInteger> runningByFlow = new ConcurrentHashMap<>();
        AtomicInteger maxByFlow = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        List<Disposable> subscriptions = new CopyOnWriteArrayList<>();
        int threads = 4;
        int perThread = 1500;

        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < perThread; i++) {
                    String flow = "user-" + random.nextInt(6);
                    Mono<Void> request = level.execute(flow, () -> Mono.defer(() -> {
                        int now = running.incrementAndGet();
                        maxRunning.accumulateAndGet(now, Math::max);
                        int mine = runningByFlow.computeIfAbsent(flow, f -> new AtomicInteger()).incrementAndGet();
                        maxByFlow.accumulateAndGet(mine, Math::max);
                        AtomicBoolean ended = new AtomicBoolean();
                        Runnable done = () -> {
                            if (!ended.compareAndSet(false, true)) {
                                return;
                            }
                            running.decrementAndGet();
                            runningByFlow.get(flow).decrementAndGet();
                        };
                        // before the completion reaches the level (doFinally would run after the seat is reused)
                        return Mono.delay(Duration.ofMillis(random.nextInt(3))).then()
                                .doOnTerminate(done).doOnCancel(done);
                    }));
                    Disposable d = request.doFinally(s -> finished.incrementAndGet())
                            .subscribe(v -> { }, e -> { });
                    if (random.nextInt(10) == 0) {
                        d.dispose();
                        finished.incrementAndGet();
                    }
                    subscriptions.add(d);
                }
            });
            workers[t].start();
        }
        for (Thread w : workers) {
            w.join();
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> level.executing() == 0 && level.waiting() == 0);
        assertThat(maxRunning.get()).isLessThanOrEqualTo(8);
        assertThat(maxByFlow.get()).isLessThanOrEqualTo(2);
        assertThat(bulkheads.bulkhead("global-default").getMetrics().getAvailableConcurrentCalls()).isEqualTo(8);
        assertThat(running.get()).isZero();
        assertThat(meters.find("apiserver.flowcontrol.rejected.requests").counters())
                .as("the run went through the queue and its rejections").isNotEmpty();
    }
}
