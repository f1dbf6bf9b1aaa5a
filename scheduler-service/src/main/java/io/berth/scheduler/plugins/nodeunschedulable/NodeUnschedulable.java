package io.berth.scheduler.plugins.nodeunschedulable;

import io.berth.scheduler.framework.ClusterEvent;
import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.FilterPlugin;
import io.berth.scheduler.framework.NodeInfo;
import io.berth.scheduler.framework.Status;
import io.berth.scheduler.plugins.tainttoleration.Tolerations;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;

import java.util.Set;

/**
 * Keeps pods off cordoned nodes ({@code spec.unschedulable}), as Kubernetes' {@code NodeUnschedulable} plugin: a pod
 * that tolerates the {@code node.kubernetes.io/unschedulable:NoSchedule} taint (DaemonSet pods do) may still land
 * there. Stateless.
 */
public final class NodeUnschedulable implements FilterPlugin {

    public static final String NAME = "NodeUnschedulable";
    /** Kubernetes' {@code ErrReasonUnschedulable}. */
    public static final String ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable";

    /** The taint a cordon stands for; never changed, only read by {@link Tolerations}. */
    private static final Taint UNSCHEDULABLE_TAINT = new TaintBuilder()
            .withKey("node.kubernetes.io/unschedulable").withEffect("NoSchedule").build();
    private static final Status UNSCHEDULABLE = Status.unresolvable(ERR_REASON_UNSCHEDULABLE);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ClusterEvent> events() {
        return Set.of(ClusterEvent.NODE_ADDED, ClusterEvent.NODE_SCHEDULABLE_CHANGED);
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        // Cordoned nodes are rare: look at the tolerations only for them.
        if (node.node().getSpec() == null || !Boolean.TRUE.equals(node.node().getSpec().getUnschedulable())) {
            return Status.success();
        }
        if (Tolerations.tolerates(pod.getSpec().getTolerations(), UNSCHEDULABLE_TAINT)) {
            return Status.success();
        }
        return UNSCHEDULABLE;
    }
}
