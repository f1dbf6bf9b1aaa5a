package io.berth.controller.runtime;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * client-go's rate-limited delaying workqueue of keys ({@code namespace/name}): a key added many times before a worker
 * takes it is processed once; a key is never handed to two workers at once (one added while it is processed waits
 * until {@link #done}, then goes back in line); {@link #addAfter} and {@link #addRateLimited} add later.
 * Every worker that {@link #get}s a key must call {@link #done} with it. Thread safe.
 */
public final class WorkQueue implements AutoCloseable {

    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private final Set<String> dirty = new HashSet<>();
    private final Set<String> processing = new HashSet<>();
    /** When each queued key was added, and when each processed key was taken (metrics). */
    private final Map<String, Long> addedAt = new HashMap<>();
    private final Map<String, Long> startedAt = new HashMap<>();
    private final RateLimiter limiter;
    private final ScheduledExecutorService timer;
    private final WorkQueueMetrics metrics;
    private final LongSupplier nanoTime;
    private boolean shuttingDown;

    public WorkQueue(RateLimiter limiter, ScheduledExecutorService timer, WorkQueueMetrics metrics,
                     LongSupplier nanoTime) {
        this.limiter = limiter;
        this.timer = timer;
        this.metrics = metrics;
        this.nanoTime = nanoTime;
        metrics.bind(this);
    }

    /** Queues {@code key} unless it is queued already. */
    public synchronized void add(String key) {
        if (shuttingDown || dirty.contains(key)) {
            return;
        }
        metrics.added();
        dirty.add(key);
        if (processing.contains(key)) {
            return;
        }
        queue.addLast(key);
        addedAt.put(key, nanoTime.getAsLong());
        notify();
    }

    /** Queues {@code key} after {@code delay} (at once when it is not positive). */
    public void addAfter(String key, Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            add(key);
            return;
        }
        synchronized (this) {
            if (shuttingDown) {
                return;
            }
        }
        timer.schedule(() -> add(key), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Queues {@code key} after its back-off: it failed. */
    public void addRateLimited(String key) {
        metrics.retried();
        addAfter(key, limiter.when(key));
    }

    /** Ends {@code key}'s back-off: it succeeded. */
    public void forget(String key) {
        limiter.forget(key);
    }

    public int numRequeues(String key) {
        return limiter.numRequeues(key);
    }

    /**
     * The next key, waiting for one; {@code null} once the queue is shut down (the worker should then stop).
     *
     * @throws InterruptedException when the worker is interrupted while waiting
     */
    public synchronized String get() throws InterruptedException {
        while (queue.isEmpty() && !shuttingDown) {
            wait();
        }
        if (queue.isEmpty()) {
            return null;
        }
        String key = queue.pollFirst();
        long now = nanoTime.getAsLong();
        Long added = addedAt.remove(key);
        if (added != null) {
            metrics.waited(now - added);
        }
        startedAt.put(key, now);
        processing.add(key);
        dirty.remove(key);
        return key;
    }

    /** The worker finished {@code key}; if it was added meanwhile it goes back in line. */
    public synchronized void done(String key) {
        processing.remove(key);
        Long started = startedAt.remove(key);
        if (started != null) {
            metrics.worked(nanoTime.getAsLong() - started);
        }
        if (dirty.contains(key) && !shuttingDown) {
            queue.addLast(key);
            addedAt.put(key, nanoTime.getAsLong());
            notify();
        }
    }

    /** Keys waiting for a worker (not counting those being processed or waiting out a delay). */
    public synchronized int length() {
        return queue.size();
    }

    /** Seconds of work in progress, summed and longest (client-go's unfinished-work metrics). */
    synchronized double[] unfinishedWorkSeconds() {
        long now = nanoTime.getAsLong();
        double total = 0;
        double longest = 0;
        for (long started : startedAt.values()) {
            double s = (now - started) / 1e9;
            total += s;
            longest = Math.max(longest, s);
        }
        return new double[] {total, longest};
    }

    public synchronized boolean isShuttingDown() {
        return shuttingDown;
    }

    /** Stops handing out keys: waiting workers get {@code null}; later adds are ignored. */
    @Override
    public synchronized void close() {
        shuttingDown = true;
        queue.clear();
        notifyAll();
    }
}
