package io.berth.node.pods;

import io.fabric8.kubernetes.api.model.Probe;

import java.time.Duration;
import java.time.Instant;

/**
 * One probe of one container run: when it is due and what its thresholds make of its results. Starts as the kubelet's
 * probe manager does: readiness and startup "failure" until proven, liveness "success". Not thread safe: owned by a
 * pod worker (results are handed back to it).
 */
final class ProbeTracker {

    enum Kind { STARTUP, LIVENESS, READINESS }

    private final Kind kind;
    private final Probe probe;
    private final Instant containerStarted;
    private Instant lastRun;
    private int successes;
    private int failures;
    private boolean result;
    private boolean inFlight;
    private String lastOutput = "";

    ProbeTracker(Kind kind, Probe probe, Instant containerStarted) {
        this.kind = kind;
        this.probe = probe;
        this.containerStarted = containerStarted;
        this.result = kind == Kind.LIVENESS;
    }

    Kind kind() {
        return kind;
    }

    Probe probe() {
        return probe;
    }

    /** The probe should run now. */
    boolean due(Instant now) {
        if (inFlight) {
            return false;
        }
        Instant first = containerStarted.plusSeconds(probe.getInitialDelaySeconds() == null ? 0
                : probe.getInitialDelaySeconds());
        if (now.isBefore(first)) {
            return false;
        }
        return lastRun == null || !now.isBefore(lastRun.plus(period()));
    }

    /** When it will next be due (for scheduling the pod's next sync). */
    Instant nextDue() {
        Instant first = containerStarted.plusSeconds(probe.getInitialDelaySeconds() == null ? 0
                : probe.getInitialDelaySeconds());
        return lastRun == null ? first : lastRun.plus(period());
    }

    void started(Instant now) {
        inFlight = true;
        lastRun = now;
    }

    /** Records one outcome; returns true when the tracker's overall result changed. */
    boolean record(boolean success, String output) {
        inFlight = false;
        lastOutput = output;
        boolean before = result;
        if (success) {
            failures = 0;
            successes++;
            if (successes >= Prober.value(probe.getSuccessThreshold(), 1)) {
                result = true;
            }
        } else {
            successes = 0;
            failures++;
            if (failures >= Prober.value(probe.getFailureThreshold(), 3)) {
                result = false;
            }
        }
        return before != result;
    }

    /** The thresholded result: ready / alive / started. */
    boolean result() {
        return result;
    }

    /** A startup probe that reached its failure threshold without ever succeeding: the container is killed. */
    boolean failedOut() {
        return !result && failures >= Prober.value(probe.getFailureThreshold(), 3);
    }

    String lastOutput() {
        return lastOutput;
    }

    private Duration period() {
        return Duration.ofSeconds(Prober.value(probe.getPeriodSeconds(), 10));
    }
}
