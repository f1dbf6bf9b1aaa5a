package io.berth.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * A PreFilter plugin whose per-cycle data depend on the pods of other nodes (Kubernetes' {@code PreFilterExtensions}):
 * preemption removes and adds pods on a trial node and tells the plugin, so its Filter sees the trial cluster.
 */
public interface PreFilterExtensions {

    /** {@code added} now runs on {@code node}, for the cycle scheduling {@code pod}. */
    void addPod(CycleState state, Pod pod, PodInfo added, NodeInfo node);

    /** {@code removed} no longer runs on {@code node}, for the cycle scheduling {@code pod}. */
    void removePod(CycleState state, Pod pod, PodInfo removed, NodeInfo node);
}
