package io.berth.scheduler.queue;

import io.fabric8.kubernetes.api.model.Pod;

import java.time.Instant;
import java.util.Set;

/**
 * A pending pod in the {@link SchedulingQueue} with its scheduling history (Kubernetes' {@code QueuedPodInfo}). The
 * queue owns it; the scheduling thread reads it between {@link SchedulingQueue#pop()} and handing it back.
 */
public final class QueuedPod {

    volatile Pod pod;
    /** When it entered the queue: the tie-breaker after priority, oldest first. */
    final Instant timestamp;
    final long sequence;
    int attempts;
    Instant initialAttempt;
    /** The plugins that rejected it last; empty after an error. */
    Set<String> rejectors = Set.of();
    Instant backoffExpiry;
    Instant unschedulableSince;
    /** The cycle in which it was popped last. */
    long cycle;

    QueuedPod(Pod pod, Instant timestamp, long sequence) {
        this.pod = pod;
        this.timestamp = timestamp;
        this.sequence = sequence;
    }

    public Pod pod() {
        return pod;
    }

    public String uid() {
        return pod.getMetadata().getUid();
    }

    /** How many times it was popped for scheduling, this time included. */
    public int attempts() {
        return attempts;
    }

    /** When it was first popped: the start of its end-to-end scheduling time. */
    public Instant initialAttempt() {
        return initialAttempt;
    }

    public long cycle() {
        return cycle;
    }

    int priority() {
        Integer p = pod.getSpec().getPriority();
        return p == null ? 0 : p;
    }
}
