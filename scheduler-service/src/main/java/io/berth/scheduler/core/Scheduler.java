package io.berth.scheduler.core;

import io.berth.scheduler.api.Binder;
import io.berth.scheduler.api.Recorder;
import io.berth.scheduler.cache.SchedulerCache;
import io.berth.scheduler.framework.ClusterEvent;
import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.FitError;
import io.berth.scheduler.framework.Framework;
import io.berth.scheduler.framework.PostFilterPlugin;
import io.berth.scheduler.framework.Snapshot;
import io.berth.scheduler.framework.Status;
import io.berth.scheduler.queue.QueuedPod;
import io.berth.scheduler.queue.SchedulingQueue;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * The scheduling loop (Kubernetes' {@code scheduleOne}): pops the next pending pod, chooses its node on a fresh
 * snapshot, assumes it there so the next pod counts it, and binds it asynchronously; a pod that fits nowhere gets a
 * FailedScheduling event, its PodScheduled=False condition and waits in the queue (after preemption, when a
 * PostFilter is configured, tried to make room). A failed binding forgets the assumption and retries the pod.
 *
 * <p>Lifecycle {@code LATENT → STARTED → CLOSED}: one scheduling thread between {@link #start()} and
 * {@link #close()}; a closed scheduler sends no binding and is not restarted (a new leader term builds a new one).
 */
public final class Scheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

    private final SchedulingQueue queue;
    private final SchedulerCache cache;
    private final Framework framework;
    private final Algorithm algorithm;
    private final Binder binder;
    private final Recorder recorder;
    private final SchedulerMetrics metrics;
    private final Clock clock;
    private final Predicate<Pod> stillPending;
    private final Object lifecycle = new Object();
    private Thread thread;
    private volatile boolean closed;

    /**
     * @param stillPending whether the informer still shows the pod unbound and undeleted (a failed binding retries
     *                     only such a pod)
     */
    public Scheduler(SchedulingQueue queue, SchedulerCache cache, Framework framework, Algorithm algorithm,
                     Binder binder, Recorder recorder, SchedulerMetrics metrics, Clock clock,
                     Predicate<Pod> stillPending) {
        this.queue = queue;
        this.cache = cache;
        this.framework = framework;
        this.algorithm = algorithm;
        this.binder = binder;
        this.recorder = recorder;
        this.metrics = metrics;
        this.clock = clock;
        this.stillPending = stillPending;
    }

    public void start() {
        synchronized (lifecycle) {
            if (thread != null || closed) {
                throw new IllegalStateException("a scheduler starts once");
            }
            thread = new Thread(this::loop, "scheduler");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void loop() {
        while (!closed) {
            QueuedPod q;
            try {
                q = queue.pop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (q == null) {
                return;
            }
            if (closed) {
                queue.retry(q);
                return;
            }
            try {
                scheduleOne(q);
            } catch (RuntimeException e) {
                log.error("scheduling pod {}/{} failed", q.pod().getMetadata().getNamespace(),
                        q.pod().getMetadata().getName(), e);
                metrics.error();
                queue.retry(q);
            }
        }
    }

    /** One scheduling cycle for {@code q}; package-private for tests that drive cycles one by one. */
    void scheduleOne(QueuedPod q) {
        Pod pod = q.pod();
        if (pod.getMetadata().getDeletionTimestamp() != null || cache.isAssumed(pod.getMetadata().getUid())) {
            queue.done(q);
            return;
        }
        java.time.Instant cycleStart = clock.instant();
        CycleState state = new CycleState();
        Snapshot snapshot = cache.snapshot();
        Algorithm.Result result = algorithm.schedule(state, pod, snapshot);
        if (log.isDebugEnabled()) {
            log.debug("pod {}/{} attempt {}: {} ({} nodes evaluated, {} feasible)", pod.getMetadata().getNamespace(),
                    pod.getMetadata().getName(), q.attempts(), result.scheduled() ? "to " + result.node()
                            : result.error().message(), result.evaluated(), result.feasible());
        }
        if (!result.scheduled()) {
            FitError error = result.error();
            if (framework.hasPostFilters() && error.allNodes() > 0) {
                metrics.preemption();
                PostFilterPlugin.Result post = framework.runPostFilter(state, pod, snapshot, error.rejections());
                if (post != null && post.nominatedNode() != null) {
                    // hold the room its victims free before the API reports the nomination
                    queue.nominator().nominate(pod, post.nominatedNode());
                }
                if (post != null && !post.status().message().isEmpty()) {
                    error = error.withPostFilter(post.status().message());
                }
            }
            metrics.unschedulable();
            if (!closed) {
                recorder.unschedulable(pod, error.message(), "Unschedulable");
            }
            queue.unschedulable(q, error.rejectors());
            return;
        }
        String node = result.node();
        Pod assumed = new PodBuilder(pod).editSpec().withNodeName(node).endSpec().build();
        cache.assume(assumed);
        queue.nominator().remove(pod.getMetadata().getUid());
        Status reserved = framework.runReserve(state, assumed, node);
        if (!reserved.isSuccess()) {
            cache.forget(assumed);
            metrics.error();
            queue.retry(q);
            return;
        }
        if (closed) {
            // leadership went while this cycle ran: no binding from a replica that is not the leader
            framework.runUnreserve(state, assumed, node);
            cache.forget(assumed);
            queue.retry(q);
            return;
        }
        queue.done(q);
        binder.bind(assumed, node).whenComplete((ok, failure) -> {
            if (failure == null) {
                if (log.isDebugEnabled()) {
                    log.debug("pod {}/{} bound to {} {} ms after its cycle began", pod.getMetadata().getNamespace(),
                            pod.getMetadata().getName(), node, Duration.between(cycleStart, clock.instant()).toMillis());
                }
                cache.finishBinding(assumed);
                metrics.scheduled(Duration.between(q.initialAttempt(), clock.instant()));
                recorder.scheduled(pod, node);
                return;
            }
            Throwable why = failure instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                    ? c.getCause() : failure;
            log.info("binding pod {}/{} to {} failed: {}", pod.getMetadata().getNamespace(),
                    pod.getMetadata().getName(), node, why.getMessage());
            framework.runUnreserve(state, assumed, node);
            cache.forget(assumed);
            metrics.error();
            // the room it took is free again for the pods waiting on it
            queue.onEvent(ClusterEvent.ASSIGNED_POD_DELETED);
            if (!closed && stillPending.test(pod)) {
                recorder.unschedulable(pod, "Binding rejected: " + why.getMessage(), "SchedulerError");
                queue.retry(q);
            }
        });
    }

    /** Stops scheduling at once: no new cycle starts and a cycle running now binds nothing. Idempotent. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            closed = true;
            if (thread != null) {
                thread.interrupt();
            }
        }
    }
}
