package io.berth.bench;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * A fixed number of requests, {@code request(0)} to {@code request(n - 1)}, each sent once with at most
 * {@code concurrency} in flight, as fast as they are answered: creating or deleting thousands of objects. Bounded: what
 * has no answer at the deadline is cancelled and counted as failed, so a stalled server cannot hang a benchmark.
 */
final class Bulk {

    /**
     * What became of the requests; {@code firstError} is null when none failed. {@code startedNanos} is when the first
     * was sent, {@code finishedNanos} when the last answered (both {@link System#nanoTime()}).
     */
    record Result(int requests, int succeeded, int failed, String firstError, long startedNanos, long finishedNanos) {

        /** Answered requests per second, from the first sent to the last answered. */
        double perSecond() {
            long nanos = finishedNanos - startedNanos;
            return nanos <= 0 ? 0 : succeeded * 1e9 / nanos;
        }

        /** e.g. {@code 5000 of 5000 in 7.1 s (704/s)}, then the failures and the first error, if any. */
        String describe() {
            String line = String.format(java.util.Locale.ROOT, "%d of %d in %.1f s (%s/s)", succeeded, requests,
                    (finishedNanos - startedNanos) / 1e9, Table.number(perSecond()));
            return failed == 0 ? line : line + "; " + failed + " failed, first: " + firstError;
        }
    }

    private Bulk() {
    }

    /**
     * Runs the requests and returns once every one has answered or {@code deadline} has passed. A request fails when
     * its Mono fails; an empty Mono is a success.
     */
    static Result run(int n, int concurrency, Duration deadline, IntFunction<Mono<?>> request) {
        AtomicInteger succeeded = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        AtomicLong finished = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        long started = System.nanoTime();
        Disposable run = Flux.range(0, n)
                .flatMap(i -> Mono.defer(() -> request.apply(i))
                        .then(Mono.fromRunnable(succeeded::incrementAndGet))
                        .onErrorResume(e -> {
                            failed.incrementAndGet();
                            firstError.compareAndSet(null, OpenLoop.describe(e));
                            return Mono.empty();
                        })
                        .doFinally(signal -> finished.accumulateAndGet(System.nanoTime(), Math::max)),
                        concurrency)
                .doFinally(signal -> done.countDown())
                .subscribe();
        try {
            if (!done.await(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                run.dispose();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            run.dispose();
        }
        int answered = succeeded.get() + failed.get();
        if (answered < n) {
            firstError.compareAndSet(null, (n - answered) + " requests had no answer within "
                    + deadline.toSeconds() + " s");
        }
        long end = finished.get() == 0 ? System.nanoTime() : finished.get();
        return new Result(n, succeeded.get(), n - succeeded.get(), firstError.get(), started, end);
    }
}
