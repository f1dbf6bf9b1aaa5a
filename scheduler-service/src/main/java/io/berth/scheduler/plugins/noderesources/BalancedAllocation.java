package io.berth.scheduler.plugins.noderesources;

import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.NodeInfo;
import io.berth.scheduler.framework.PodRequests;
import io.berth.scheduler.framework.PreScorePlugin;
import io.berth.scheduler.framework.Resource;
import io.berth.scheduler.framework.ScorePlugin;
import io.berth.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.List;

/**
 * Favours nodes whose cpu and memory would be used in the same proportion, as Kubernetes'
 * {@code NodeResourcesBalancedAllocation}: with {@code f} the share of each resource requested (the node's pods plus
 * this one, at most 1), the score is {@code (1 - std(f)) * 100}, and for two resources {@code std = |f1 - f2| / 2}.
 *
 * <p>As in Kubernetes (since it set {@code useRequested}), the shares count actual requests, not the scoring defaults
 * {@link Fit} uses for containers without requests; and a pod that requests neither cpu nor memory is not scored at
 * all (PreScore skips it), because every node would look equally balanced for it and the defaults would pile such
 * pods onto one node (kubernetes/kubernetes#129138). A resource the node has none of is left out.
 */
public final class BalancedAllocation implements PreScorePlugin, ScorePlugin {

    public static final String NAME = "NodeResourcesBalancedAllocation";

    private static final CycleState.Key<Resource> REQUESTS = new CycleState.Key<>("PreScore" + NAME);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasible) {
        Resource requests = PodRequests.of(pod);
        if (bestEffort(requests)) {
            return Status.skip();
        }
        state.write(REQUESTS, requests);
        return Status.success();
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        Resource pods = state.read(REQUESTS);
        if (pods == null) {
            pods = PodRequests.of(pod);
            if (bestEffort(pods)) {
                return 0;
            }
        }
        Resource allocatable = node.allocatable();
        Resource requested = node.requested();
        double cpu = fraction(requested.milliCpu + pods.milliCpu, allocatable.milliCpu);
        double memory = fraction(requested.memory + pods.memory, allocatable.memory);
        // With one resource (or none) on the node there is nothing to balance: the deviation is zero.
        double std = cpu < 0 || memory < 0 ? 0 : Math.abs(cpu - memory) / 2;
        return (long) ((1 - std) * MAX_SCORE);
    }

    private static boolean bestEffort(Resource requests) {
        return requests.milliCpu == 0 && requests.memory == 0;
    }

    /** The share requested, capped at 1; -1 when the node has none of the resource. */
    private static double fraction(long requested, long allocatable) {
        if (allocatable == 0) {
            return -1;
        }
        return Math.min(1.0, (double) requested / allocatable);
    }
}
