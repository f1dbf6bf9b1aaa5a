package io.berth.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

import java.util.List;

/** Runs once per cycle before Score, over the nodes that passed the filters. */
public interface PreScorePlugin extends Plugin {

    /** @return success, or {@link Status#skip()} when this plugin's Score has nothing to add for the pod */
    Status preScore(CycleState state, Pod pod, List<NodeInfo> feasible);
}
