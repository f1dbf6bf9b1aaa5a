package io.berth.node.simulate;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A work queue of object keys with client-go's guarantees: a key waits in the queue at most once however often it
 * is added, and is never handed to two workers at once; a key added while a worker has it is handed out again once
 * that worker is {@link #done}. Delayed adds go through a scheduler. Thread safe.
 */
final class KeyQueue {

    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private final Set<String> dirty = new HashSet<>();
    private final Set<String> processing = new HashSet<>();
    private final ScheduledExecutorService scheduler;
    private boolean shutDown;

    KeyQueue(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    synchronized void add(String key) {
        if (shutDown || !dirty.add(key)) {
            return;
        }
        if (!processing.contains(key)) {
            queue.add(key);
            notify();
        }
    }

    /** Adds {@code key} after {@code delay}; at once when the delay is not positive. */
    void addAfter(String key, Duration delay) {
        if (delay.isNegative() || delay.isZero()) {
            add(key);
        } else {
            synchronized (this) {
                if (shutDown) {
                    return;
                }
            }
            scheduler.schedule(() -> add(key), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** The next key, waiting for one; null once the queue is shut down. The caller must call {@link #done}. */
    synchronized String take() throws InterruptedException {
        while (queue.isEmpty() && !shutDown) {
            wait();
        }
        if (shutDown) {
            return null;
        }
        String key = queue.poll();
        processing.add(key);
        dirty.remove(key);
        return key;
    }

    synchronized void done(String key) {
        processing.remove(key);
        if (dirty.contains(key) && !shutDown) {
            queue.add(key);
            notify();
        }
    }

    synchronized int length() {
        return queue.size();
    }

    /** Wakes every waiting worker with null; later adds are ignored. */
    synchronized void shutDown() {
        shutDown = true;
        notifyAll();
    }
}
