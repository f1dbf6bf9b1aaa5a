package io.berth.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/** Runs once per cycle before any Filter: checks the pod itself and computes what Filter reads per node. */
public interface PreFilterPlugin extends Plugin {

    /**
     * @return success; {@link Status#skip()} when this plugin's Filter has nothing to check for the pod; a rejection
     *         when the pod cannot fit anywhere (every node gets this status)
     */
    Status preFilter(CycleState state, Pod pod, Snapshot snapshot);
}
