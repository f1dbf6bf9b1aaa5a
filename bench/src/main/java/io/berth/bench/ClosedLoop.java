package io.berth.bench;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * A fixed number of requests in flight for a fixed time: each of {@code concurrency} workers sends its next request
 * when the previous one answers. Measures throughput; its latencies are those at that load (a closed loop understates
 * stalls, which is why the latency goals are measured with {@link OpenLoop}). Failed requests are counted and do not
 * stop their worker.
 */
final class ClosedLoop {

    /** Requests answered within the window, per second of the window; {@code firstError} is null when none failed. */
    record Result(int completed, int failed, double perSecond, String firstError) {
    }

    private ClosedLoop() {
    }

    /** Runs {@code request(i)} for i = 0, 1, ... until {@code duration} has passed; records into {@code latencies}. */
    static Result run(int concurrency, Duration duration, IntFunction<Mono<?>> request, Latencies latencies) {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        Flux.range(0, concurrency)
                .flatMap(worker -> Mono.defer(() -> {
                    int i = next.getAndIncrement();
                    long sent = System.nanoTime();
                    return Mono.defer(() -> request.apply(i))
                            .then(Mono.fromRunnable(() -> {
                                long answered = System.nanoTime();
                                if (answered <= end) {
                                    completed.incrementAndGet();
                                    latencies.record(answered - sent);
                                }
                            }))
                            .onErrorResume(e -> {
                                failed.incrementAndGet();
                                firstError.compareAndSet(null, OpenLoop.describe(e));
                                return Mono.empty();
                            });
                }).repeat(() -> System.nanoTime() < end), concurrency)
                .then()
                .block(duration.plusSeconds(45));
        double seconds = duration.toNanos() / 1e9;
        return new Result(completed.get(), failed.get(), completed.get() / seconds, firstError.get());
    }
}
