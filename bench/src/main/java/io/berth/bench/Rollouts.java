package io.berth.bench;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What the deployments benchmark has seen of its Deployments {@code <prefix><i>} (i below {@code deployments}), each
 * of {@code replicas} pods labelled {@code app=<prefix><i>}: when each pod was first seen Running, when each
 * Deployment's last pod was, and when each Deployment first reported itself complete ({@link RolloutWatch}). Times
 * are {@link System#nanoTime()}, 0 for not yet. Thread safe: the two watches write, the benchmark reads.
 */
final class Rollouts {

    private final String prefix;
    private final int replicas;
    private final Set<String> runningPods = ConcurrentHashMap.newKeySet();
    private final AtomicIntegerArray running;
    private final AtomicLongArray allRunningAt;
    private final AtomicLongArray availableAt;
    private final AtomicInteger podsRunning = new AtomicInteger();
    private final AtomicInteger fullyRunning = new AtomicInteger();
    private final AtomicInteger available = new AtomicInteger();
    private final AtomicLong lastPodRunningAt = new AtomicLong();

    Rollouts(String prefix, int deployments, int replicas) {
        this.prefix = prefix;
        this.replicas = replicas;
        this.running = new AtomicIntegerArray(deployments);
        this.allRunningAt = new AtomicLongArray(deployments);
        this.availableAt = new AtomicLongArray(deployments);
    }

    /** Deployment {@code i}'s name: {@code <prefix><i>}, also its pods' {@code app} label. */
    String name(int i) {
        return prefix + i;
    }

    int deployments() {
        return running.length();
    }

    int replicas() {
        return replicas;
    }

    /** The pods all the Deployments ask for. */
    int pods() {
        return deployments() * replicas;
    }

    /**
     * Counts pod {@code pod} of the Deployment its {@code app} label names as Running, the first time it is seen so
     * (a pod seen Running again, or one of another Deployment, is not counted). A Deployment's pods beyond its
     * replicas (a replaced pod) do not count towards {@link #podsRunning()}.
     *
     * @return whether it was counted
     */
    boolean podRunning(String app, String pod, long nanos) {
        int i = BindingWatch.Group.index(app, prefix, deployments());
        if (i < 0 || !runningPods.add(pod)) {
            return false;
        }
        int n = running.incrementAndGet(i);
        if (n <= replicas) {
            podsRunning.incrementAndGet();
            lastPodRunningAt.accumulateAndGet(nanos, Math::max);
        }
        if (n == replicas) {
            allRunningAt.set(i, nanos);
            fullyRunning.incrementAndGet();
        }
        return n <= replicas;
    }

    /** Notes that Deployment {@code name} reported itself complete, the first time. @return whether it was the first */
    boolean deploymentAvailable(String name, long nanos) {
        int i = BindingWatch.Group.index(name, prefix, deployments());
        if (i < 0 || !availableAt.compareAndSet(i, 0, nanos)) {
            return false;
        }
        available.incrementAndGet();
        return true;
    }

    /** Pods seen Running so far, at most {@link #replicas()} per Deployment. */
    int podsRunning() {
        return podsRunning.get();
    }

    /** Deployments all of whose pods were seen Running. */
    int fullyRunning() {
        return fullyRunning.get();
    }

    /** Deployments seen complete. */
    int available() {
        return available.get();
    }

    /** Every pod Running and every Deployment complete: what the benchmark waits for. */
    boolean done() {
        return fullyRunning() == deployments() && available() == deployments();
    }

    /** Pods of Deployment {@code i} seen Running. */
    int running(int i) {
        return running.get(i);
    }

    /** When Deployment {@code i}'s last pod was first seen Running. */
    long allRunningAt(int i) {
        return allRunningAt.get(i);
    }

    /** When Deployment {@code i} was first seen complete. */
    long availableAt(int i) {
        return availableAt.get(i);
    }

    /** When the latest pod counted by {@link #podsRunning()} was first seen Running, 0 before the first. */
    long lastPodRunningAt() {
        return lastPodRunningAt.get();
    }

    /** The latest of {@link #allRunningAt}, 0 when no Deployment has all its pods Running. */
    long lastAllRunningAt() {
        return max(allRunningAt);
    }

    /** The latest of {@link #availableAt}, 0 when none is complete. */
    long lastAvailableAt() {
        return max(availableAt);
    }

    private static long max(AtomicLongArray times) {
        long last = 0;
        for (int i = 0; i < times.length(); i++) {
            last = Math.max(last, times.get(i));
        }
        return last;
    }
}
