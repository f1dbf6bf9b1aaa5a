package io.berth.gateway.limits;

import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One Resilience4j rate limiter per flow (user) of a priority level, created on the flow's first request and
 * dropped once the flow has been idle for the idle timeout (by then its permissions have refilled, so dropping it
 * forgets nothing). Idle limiters are swept at most once per sweep interval, on the request path, so no thread is
 * needed; above {@code maxFlows} limiters the oldest are not sought, any are dropped (their users get a fresh
 * window, which is the harmless direction). Acquiring never waits. Thread safe.
 */
final class FlowRateLimiters {

    private final String level;
    private final RateLimiterConfig config;
    private final LongSupplier nanoTime;
    private final long idleNanos;
    private final long sweepEveryNanos;
    private final int maxFlows;
    private final Map<String, Flow> flows = new ConcurrentHashMap<>();
    private final AtomicLong nextSweep;

    FlowRateLimiters(PriorityLevelConfiguration level, Duration idleTimeout, int maxFlows, LongSupplier nanoTime) {
        if (idleTimeout.compareTo(level.limitRefreshPeriod()) < 0) {
            idleTimeout = level.limitRefreshPeriod();
        }
        this.level = level.name();
        this.config = RateLimiterConfig.custom()
                .limitForPeriod(level.limitForPeriod())
                .limitRefreshPeriod(level.limitRefreshPeriod())
                .timeoutDuration(Duration.ZERO)
                .build();
        this.nanoTime = nanoTime;
        this.idleNanos = idleTimeout.toNanos();
        this.sweepEveryNanos = Math.max(1, Math.min(idleNanos / 2, Duration.ofMinutes(1).toNanos()));
        this.maxFlows = maxFlows;
        this.nextSweep = new AtomicLong(nanoTime.getAsLong() + sweepEveryNanos);
    }

    /**
     * Takes one permission of the flow's limiter.
     *
     * @return 0 when the request may start, else the nanoseconds until the flow's next permission
     */
    long tryAcquire(String flow) {
        long now = nanoTime.getAsLong();
        Flow f = flows.get(flow);
        if (f == null) {
            f = flows.computeIfAbsent(flow, name -> new Flow(new AtomicRateLimiter(level + "/" + name, config)));
            if (flows.size() > maxFlows) {
                sweep(now, true);
            }
        }
        f.lastUsed = now;
        long sweepAt = nextSweep.get();
        if (now - sweepAt >= 0 && nextSweep.compareAndSet(sweepAt, now + sweepEveryNanos)) {
            sweep(now, false);
        }
        if (f.limiter.acquirePermission()) {
            return 0;
        }
        return Math.max(1, f.limiter.getDetailedMetrics().getNanosToWait());
    }

    int size() {
        return flows.size();
    }

    private void sweep(long now, boolean overCapacity) {
        flows.values().removeIf(f -> now - f.lastUsed > idleNanos);
        if (overCapacity) {
            Iterator<Map.Entry<String, Flow>> it = flows.entrySet().iterator();
            while (flows.size() > maxFlows && it.hasNext()) {
                it.next();
                it.remove();
            }
        }
    }

    private static final class Flow {
        final AtomicRateLimiter limiter;
        volatile long lastUsed;

        Flow(AtomicRateLimiter limiter) {
            this.limiter = limiter;
        }
    }
}
