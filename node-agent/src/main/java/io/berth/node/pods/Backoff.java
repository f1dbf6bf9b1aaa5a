package io.berth.node.pods;

import java.time.Duration;
import java.time.Instant;

/**
 * CrashLoopBackOff for one container: the first restart is immediate, then each waits {@code initial} doubling up to
 * {@code max}; a run that lasted {@code 2 × max} resets it (the kubelet's rule). Not thread safe: one pod worker owns it.
 */
final class Backoff {

    private final Duration initial;
    private final Duration max;
    private Duration next = Duration.ZERO;
    private Instant until = Instant.MIN;
    private Duration last = Duration.ZERO;

    Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
    }

    /** Records that the container stopped at {@code finishedAt} after running {@code ran}; returns when it may start. */
    Instant stopped(Instant finishedAt, Duration ran) {
        if (ran.compareTo(max.multipliedBy(2)) >= 0) {
            next = Duration.ZERO;
        }
        last = next;
        until = finishedAt.plus(next);
        next = next.isZero() ? initial : min(next.multipliedBy(2), max);
        return until;
    }

    /** When the next start is allowed. */
    Instant until() {
        return until;
    }

    /** The delay the last exit imposed (for the CrashLoopBackOff message). */
    Duration current() {
        return last;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
