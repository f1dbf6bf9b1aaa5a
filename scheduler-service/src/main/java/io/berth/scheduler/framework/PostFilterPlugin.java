package io.berth.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

import java.util.Map;

/** Runs when no node passed the filters: preemption looks for a node where evicting lower-priority pods would do. */
public interface PostFilterPlugin extends Plugin {

    /** What a PostFilter found: a node to nominate (null when none) and its status. */
    record Result(String nominatedNode, Status status) {
    }

    /** @param rejections each node's rejecting status (absent: not evaluated) */
    Result postFilter(CycleState state, Pod pod, Snapshot snapshot, Map<String, Status> rejections);
}
