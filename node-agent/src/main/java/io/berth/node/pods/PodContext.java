package io.berth.node.pods;

import io.berth.node.runtime.ContainerRuntime;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * What every pod worker shares: the runtime, the launcher, hooks, probes, the status writer and event recorder, and
 * the node's settings. The worker's seams, so its decisions are testable with stand-ins for the machine.
 */
record PodContext(ContainerRuntime runtime, ContainerLauncher launcher, Hooks hooks, Prober prober, ProbeRunner probes,
                  StatusWriter statusWriter, EventRecorder events, Serializer serializer, String nodeAddress,
                  Duration backoffInitial, Duration backoffMax, Clock clock) {

    /** Bundle annotations the worker reads back from the runtime. */
    static final String POD_UID_LABEL = ContainerPlanner.POD_UID;
    static final String CONTAINER_LABEL = ContainerPlanner.CONTAINER_NAME;
    static final String RESTART_LABEL = ContainerPlanner.CONTAINER_RESTART;

    Instant now() {
        return clock.instant();
    }

    void event(Pod pod, String type, String reason, String message) {
        events.record(pod, type, reason, message);
    }

    void serialized(String uid, Runnable action) {
        serializer.run(uid, action);
    }

    /** Writes a pod's status when it differs from what the API has; false when the write failed (retry later). */
    interface StatusWriter {
        boolean write(Pod pod, PodStatus status);
    }

    /** Records an Event about a pod (best effort, never blocks the worker for long). */
    interface EventRecorder {
        void record(Pod pod, String type, String reason, String message);
    }

    /** Runs an action in the pod's serialized lane and then syncs the pod. */
    interface Serializer {
        void run(String uid, Runnable action);
    }

    /** Runs probes off the pod's lane and hands results back. */
    interface ProbeRunner {
        void submit(String uid, Callable<Prober.Result> probe, Consumer<Prober.Result> done);
    }
}
