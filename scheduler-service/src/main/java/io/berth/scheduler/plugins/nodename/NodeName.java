package io.berth.scheduler.plugins.nodename;

import io.berth.scheduler.framework.ClusterEvent;
import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.FilterPlugin;
import io.berth.scheduler.framework.NodeInfo;
import io.berth.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.Set;

/**
 * Keeps a pod that names its node in {@code spec.nodeName} off every other node, as Kubernetes' {@code NodeName}
 * plugin. Stateless.
 */
public final class NodeName implements FilterPlugin {

    public static final String NAME = "NodeName";
    /** Kubernetes' {@code ErrReason}. */
    public static final String ERR_REASON = "node(s) didn't match the requested node name";

    private static final Status MISMATCH = Status.unresolvable(ERR_REASON);

    @Override
    public String name() {
        return NAME;
    }

    /** Only a node with the requested name can make the pod fit; renaming a node is a delete and an add. */
    @Override
    public Set<ClusterEvent> events() {
        return Set.of(ClusterEvent.NODE_ADDED);
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        String wanted = pod.getSpec().getNodeName();
        if (wanted == null || wanted.isEmpty() || wanted.equals(node.name())) {
            return Status.success();
        }
        return MISMATCH;
    }
}
