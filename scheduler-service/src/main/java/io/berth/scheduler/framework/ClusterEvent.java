package io.berth.scheduler.framework;

/**
 * A change in the cluster that may make an unschedulable pod fit, as Kubernetes' {@code framework.ClusterEvent}
 * narrowed to what the plugins here ask for. Node status churn (heartbeats, conditions) is none of these.
 */
public enum ClusterEvent {
    NODE_ADDED,
    NODE_LABELS_CHANGED,
    NODE_TAINTS_CHANGED,
    NODE_ALLOCATABLE_CHANGED,
    /** {@code spec.unschedulable} changed. */
    NODE_SCHEDULABLE_CHANGED,
    /** A pod bound to a node went away (deleted, or finished). */
    ASSIGNED_POD_DELETED,
    ASSIGNED_POD_ADDED,
    ASSIGNED_POD_LABELS_CHANGED
}
