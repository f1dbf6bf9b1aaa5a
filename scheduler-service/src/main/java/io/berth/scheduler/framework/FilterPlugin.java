package io.berth.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/** Whether the pod can run on one node. Called for many nodes per cycle: must be fast and allocate little. */
public interface FilterPlugin extends Plugin {

    Status filter(CycleState state, Pod pod, NodeInfo node);
}
