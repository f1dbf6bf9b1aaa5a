package io.berth.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/** Told when a node was chosen for the pod (before binding), and when that choice is undone (binding failed). */
public interface ReservePlugin extends Plugin {

    Status reserve(CycleState state, Pod pod, String node);

    void unreserve(CycleState state, Pod pod, String node);
}
