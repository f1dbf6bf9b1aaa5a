package io.berth.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

import java.util.List;

/**
 * Ranks the nodes that passed the filters, 0 to {@link #MAX_SCORE} after {@link #normalize}; the framework multiplies
 * by the plugin's weight and sums. Called for every feasible node: must be fast. A plugin that could fail does so in
 * its PreScore, so a score is a plain number.
 */
public interface ScorePlugin extends Plugin {

    long MAX_SCORE = 100;

    long score(CycleState state, Pod pod, NodeInfo node);

    /** Maps the raw scores (in {@code nodes}' order) onto 0..{@link #MAX_SCORE}, in place. Default: as they are. */
    default void normalize(CycleState state, Pod pod, List<NodeInfo> nodes, long[] scores) {
    }
}
