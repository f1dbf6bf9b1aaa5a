package io.berth.scheduler.plugins.nodeports;

import io.berth.scheduler.framework.ClusterEvent;
import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.FilterPlugin;
import io.berth.scheduler.framework.NodeInfo;
import io.berth.scheduler.framework.NodeInfo.HostPort;
import io.berth.scheduler.framework.PreFilterPlugin;
import io.berth.scheduler.framework.Snapshot;
import io.berth.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.List;
import java.util.Set;

/**
 * Keeps a pod off nodes where another pod already holds one of its host ports, as Kubernetes' {@code NodePorts}
 * plugin: same port and protocol, and the same host IP or either side on every address ({@code 0.0.0.0}).
 */
public final class NodePorts implements PreFilterPlugin, FilterPlugin {

    public static final String NAME = "NodePorts";
    /** Kubernetes' {@code ErrReason}. */
    public static final String ERR_REASON = "node(s) didn't have free ports for the requested pod ports";

    private static final CycleState.Key<List<HostPort>> WANTED_PORTS = new CycleState.Key<>("PreFilter" + NAME);
    private static final Status PORTS_TAKEN = Status.unschedulable(ERR_REASON);

    @Override
    public String name() {
        return NAME;
    }

    /** A pod holding the port went away, or a node with the port free arrived. */
    @Override
    public Set<ClusterEvent> events() {
        return Set.of(ClusterEvent.ASSIGNED_POD_DELETED, ClusterEvent.NODE_ADDED);
    }

    /** Skips the pods without host ports, which are nearly all of them. */
    @Override
    public Status preFilter(CycleState state, Pod pod, Snapshot snapshot) {
        List<HostPort> wanted = NodeInfo.hostPorts(pod);
        if (wanted.isEmpty()) {
            return Status.skip();
        }
        state.write(WANTED_PORTS, wanted);
        return Status.success();
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        List<HostPort> wanted = state.read(WANTED_PORTS);
        if (wanted == null) {
            // PreFilter skipped (no host ports) or was not run: the pod's ports are cheap to read again.
            wanted = NodeInfo.hostPorts(pod);
        }
        List<HostPort> used = node.usedPorts();
        for (int i = 0; i < wanted.size(); i++) {
            HostPort w = wanted.get(i);
            for (int j = 0; j < used.size(); j++) {
                if (w.conflicts(used.get(j))) {
                    return PORTS_TAKEN;
                }
            }
        }
        return Status.success();
    }
}
