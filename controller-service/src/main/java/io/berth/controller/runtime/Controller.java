package io.berth.controller.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs one {@link Reconciler} over its {@link WorkQueue} with N worker threads, as Kubernetes' controllers run
 * {@code processNextWorkItem}: take a key, sync it, then forget its back-off (success), requeue it with back-off
 * (failure), or requeue it after the delay the reconciler asked for. Lifecycle: {@link #start} once, {@link #close}
 * once; closing shuts the queue and interrupts the workers at once (a leader that lost its Lease stops now, not
 * after the work in hand). Thread safe.
 */
public final class Controller implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Controller.class);

    private final String name;
    private final Reconciler reconciler;
    private final WorkQueue queue;
    private final int workers;
    private final List<Thread> threads = new ArrayList<>();
    private final WorkQueueMetrics metrics;
    private boolean started;

    public Controller(String name, Reconciler reconciler, WorkQueue queue, WorkQueueMetrics metrics, int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException(name + ": workers must be at least 1, not " + workers);
        }
        this.name = name;
        this.reconciler = reconciler;
        this.queue = queue;
        this.metrics = metrics;
        this.workers = workers;
    }

    public String name() {
        return name;
    }

    public WorkQueue queue() {
        return queue;
    }

    public synchronized void start() {
        if (started) {
            throw new IllegalStateException(name + " was started already");
        }
        started = true;
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(this::work, name + "-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void work() {
        try {
            String key;
            while ((key = queue.get()) != null) {
                process(key);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One sync of {@code key}; public for tests that drive a controller without threads. */
    public void process(String key) {
        try {
            Result result = reconciler.reconcile(key);
            queue.forget(key);
            if (result != null && result.requeueAfter() != null) {
                queue.addAfter(key, result.requeueAfter());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (queue.isShuttingDown()) {
                return;
            }
            log.warn("{}: syncing {} failed (retry {}): {}", name, key, queue.numRequeues(key) + 1, describe(e));
            log.debug("{}: syncing {} failed", name, key, e);
            queue.addRateLimited(key);
        } finally {
            queue.done(key);
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    @Override
    public synchronized void close() {
        queue.close();
        threads.forEach(Thread::interrupt);
        metrics.close();
    }
}
