package io.berth.node.pods;

import io.berth.node.runtime.ContainerState;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * The pod worker's memory of one container (by name): its latest and previous runs, back-off, probes, and why it is
 * waiting. Rebuilt from the runtime's annotations after an agent restart. Not thread safe: owned by one pod worker.
 */
final class ContainerBook {

    final String name;
    final boolean init;
    final Backoff backoff;
    ContainerState current;
    ContainerState previous;
    /** The run index of {@link #current}: 0 for the first run, so it is also the restart count. */
    int attempt = -1;
    String imageId;
    String waiting;
    String message;
    /** The exit of {@link #current} was already charged to the back-off. */
    boolean exitCounted;
    /** When a kill (liveness failure) was asked, to send KILL after the grace period. */
    Instant killRequested;
    final Map<ProbeTracker.Kind, ProbeTracker> probes = new EnumMap<>(ProbeTracker.Kind.class);

    ContainerBook(String name, boolean init, Duration backoffInitial, Duration backoffMax) {
        this.name = name;
        this.init = init;
        this.backoff = new Backoff(backoffInitial, backoffMax);
    }

    boolean running() {
        return current != null && current.running();
    }

    boolean exited() {
        return current != null && !current.running();
    }

    boolean succeeded() {
        return exited() && current.exitCode() != null && current.exitCode() == 0;
    }

    int restarts() {
        return Math.max(0, attempt);
    }

    boolean started() {
        ProbeTracker startup = probes.get(ProbeTracker.Kind.STARTUP);
        return running() && (startup == null || startup.result());
    }

    boolean ready() {
        ProbeTracker readiness = probes.get(ProbeTracker.Kind.READINESS);
        return started() && (readiness == null || readiness.result());
    }

    ContainerView view(String image) {
        return new ContainerView(name, current, previous, restarts(), image, imageId, waiting, message, started(),
                ready());
    }
}
