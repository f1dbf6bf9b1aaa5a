package io.berth.bench;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * Requests started on a fixed schedule, whether or not earlier ones have answered (an open loop), with each latency
 * measured from the request's scheduled start: a server that stalls makes every request scheduled during the stall
 * late, instead of making the client send fewer (the coordinated omission of closed-loop load generators).
 *
 * <p>Bounded: {@code rate × duration} requests, then at most {@code drain} for the last answers; whatever is still
 * open then is cancelled and recorded as {@link Latencies#LOST}.
 */
final class OpenLoop {

    /** What became of the scheduled requests; {@code firstError} is null when none failed. */
    record Result(int scheduled, int completed, int failed, int lost, String firstError) {
        int errors() {
            return failed + lost;
        }
    }

    private static final int PENDING = 0;
    private static final int DONE = 1;
    private static final int GIVEN_UP = 2;

    private OpenLoop() {
    }

    /**
     * Runs {@code request(i)} for i = 0, 1, ... at {@code perSecond}, on the calling thread's schedule (the Monos
     * themselves run wherever their I/O does). Latencies of successful requests go to {@code latencies}; failed
     * ones are counted, not recorded.
     */
    static Result run(double perSecond, Duration duration, IntFunction<Mono<?>> request, Latencies latencies,
                      Duration drain) {
        long period = Math.round(1e9 / perSecond);
        int n = (int) (duration.toNanos() / period);
        AtomicIntegerArray state = new AtomicIntegerArray(n);
        long[] scheduled = new long[n];
        Disposable[] inFlight = new Disposable[n];
        CountDownLatch answered = new CountDownLatch(n);
        AtomicReference<String> firstError = new AtomicReference<>();
        int[] failed = {0};
        long start = System.nanoTime() + 1_000_000;
        for (int i = 0; i < n; i++) {
            long at = start + i * period;
            scheduled[i] = at;
            for (long wait = at - System.nanoTime(); wait > 0; wait = at - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            int index = i;
            inFlight[i] = Mono.defer(() -> request.apply(index)).subscribe(
                    ignored -> { },
                    error -> {
                        if (state.compareAndSet(index, PENDING, DONE)) {
                            synchronized (failed) {
                                failed[0]++;
                            }
                            firstError.compareAndSet(null, describe(error));
                            answered.countDown();
                        }
                    },
                    () -> {
                        if (state.compareAndSet(index, PENDING, DONE)) {
                            latencies.record(System.nanoTime() - at);
                            answered.countDown();
                        }
                    });
        }
        try {
            answered.await(drain.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int lost = 0;
        for (int i = 0; i < n; i++) {
            if (state.compareAndSet(i, PENDING, GIVEN_UP)) {
                lost++;
                latencies.recordLost();
                inFlight[i].dispose();
            }
        }
        if (lost > 0) {
            firstError.compareAndSet(null, lost + " requests had no answer " + drain.toSeconds()
                    + " s after the schedule ended");
        }
        synchronized (failed) {
            return new Result(n, n - failed[0] - lost, failed[0], lost, firstError.get());
        }
    }

    static String describe(Throwable error) {
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
