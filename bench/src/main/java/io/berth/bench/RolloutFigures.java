package io.berth.bench;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The figures of a deployments run, computed from when each Deployment's create was sent and acknowledged and from
 * what the watches saw ({@link Rollouts}). Times are {@link System#nanoTime()}; 0 means not reached.
 *
 * @param pods               the pods the Deployments ask for
 * @param podsRunning        pods seen Running (at most the replicas of each Deployment)
 * @param firstSent          when the first create was sent
 * @param lastPodRunningAt   when the last counted pod was first seen Running
 * @param allRunningAt       when every pod was Running, 0 if some never were
 * @param allAvailableAt     when every Deployment was complete, 0 if some never were
 * @param createToAllRunning per created Deployment: its create to all its pods Running ({@link Latencies#LOST} if not)
 * @param createToAvailable  per created Deployment: its create to it reporting itself complete (likewise)
 */
record RolloutFigures(int pods, int podsRunning, long firstSent, long lastPodRunningAt, long allRunningAt,
                      long allAvailableAt, Latencies createToAllRunning, Latencies createToAvailable) {

    /** @param sent when each create was sent, {@code acks} when its 201 came (0: never, the create failed) */
    static RolloutFigures of(Rollouts r, AtomicLongArray sent, AtomicLongArray acks) {
        long first = 0;
        Latencies running = new Latencies();
        Latencies available = new Latencies();
        for (int i = 0; i < r.deployments(); i++) {
            long s = sent.get(i);
            if (s != 0 && (first == 0 || s - first < 0)) {
                first = s;
            }
            if (acks.get(i) == 0) {
                continue;  // the create failed: nothing to roll out
            }
            record(running, s, r.allRunningAt(i));
            record(available, s, r.availableAt(i));
        }
        long allRunning = r.fullyRunning() == r.deployments() ? r.lastAllRunningAt() : 0;
        long allAvailable = r.available() == r.deployments() ? r.lastAvailableAt() : 0;
        return new RolloutFigures(r.pods(), r.podsRunning(), first, r.lastPodRunningAt(), allRunning, allAvailable,
                running, available);
    }

    private static void record(Latencies latencies, long from, long to) {
        if (to == 0) {
            latencies.recordLost();
        } else {
            latencies.record(Math.max(0, to - from));
        }
    }

    /**
     * The headline: every pod per second from the first create to the moment every pod is Running and every
     * Deployment complete, whichever came last; 0 when either was never reached.
     */
    double podsPerSecond() {
        if (allRunningAt == 0 || allAvailableAt == 0 || firstSent == 0) {
            return 0;
        }
        return perSecond(pods, Math.max(allRunningAt, allAvailableAt) - firstSent);
    }

    /** For a run that stopped early: the pods seen Running per second from the first create to the last of them. */
    double runningPerSecond() {
        return firstSent == 0 || lastPodRunningAt == 0 ? 0 : perSecond(podsRunning, lastPodRunningAt - firstSent);
    }

    /** From the first create to every pod Running; 0 when not reached. */
    long allRunningNanos() {
        return allRunningAt == 0 || firstSent == 0 ? 0 : allRunningAt - firstSent;
    }

    /** From the first create to every Deployment complete; 0 when not reached. */
    long allAvailableNanos() {
        return allAvailableAt == 0 || firstSent == 0 ? 0 : allAvailableAt - firstSent;
    }

    private static double perSecond(int count, long nanos) {
        return nanos <= 0 ? 0 : count * 1e9 / nanos;
    }
}
