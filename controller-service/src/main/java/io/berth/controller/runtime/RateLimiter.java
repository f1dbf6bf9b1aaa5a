package io.berth.controller.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How long a key waits before its next try after a failure: client-go's {@code DefaultControllerRateLimiter}, the
 * larger of a per-key exponential back-off ({@code base · 2^failures}, capped at {@code max}) and an overall token
 * bucket ({@code qps}, {@code burst}) shared by every key of one queue, so a storm of failures cannot hammer the API.
 * {@link #forget} ends a key's back-off once it succeeds. Thread safe.
 */
public final class RateLimiter {

    private final long baseNanos;
    private final long maxNanos;
    private final double qps;
    private final int burst;
    private final LongSupplier nanoTime;
    private final Map<String, Integer> failures = new HashMap<>();
    private double tokens;
    private long last;

    public RateLimiter(Duration base, Duration max, double qps, int burst, LongSupplier nanoTime) {
        this.baseNanos = base.toNanos();
        this.maxNanos = max.toNanos();
        this.qps = qps;
        this.burst = burst;
        this.nanoTime = nanoTime;
        this.tokens = burst;
        this.last = nanoTime.getAsLong();
    }

    /** Kubernetes' controller defaults: 5 ms doubling to 1000 s per key, 10 qps with a burst of 100 overall. */
    public static RateLimiter controllerDefault() {
        return new RateLimiter(Duration.ofMillis(5), Duration.ofSeconds(1000), 10, 100, System::nanoTime);
    }

    /** The delay before {@code key}'s next try, counting this failure. */
    public synchronized Duration when(String key) {
        int n = failures.merge(key, 1, Integer::sum) - 1;
        // in floating point: shifting a long would wrap around after some forty failures
        double exact = baseNanos * Math.pow(2, n);
        long exponential = exact >= maxNanos ? maxNanos : (long) exact;
        return Duration.ofNanos(Math.max(exponential, bucketDelay()));
    }

    /** Takes a token, or tells how long until one is free (reserving it, as Go's {@code rate.Limiter.Reserve}). */
    private long bucketDelay() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) / 1e9 * qps);
        last = now;
        tokens -= 1;
        return tokens >= 0 ? 0 : (long) (-tokens / qps * 1e9);
    }

    /** How many times {@code key} failed in a row. */
    public synchronized int numRequeues(String key) {
        return failures.getOrDefault(key, 0);
    }

    /** {@code key} succeeded: its next failure starts again from the base delay. */
    public synchronized void forget(String key) {
        failures.remove(key);
    }
}
