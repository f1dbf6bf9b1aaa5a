package io.berth.scheduler.plugins.noderesources;

import io.berth.scheduler.framework.ScorePlugin;

/**
 * How {@link Fit} ranks the nodes a pod fits, as Kubernetes' {@code NodeResourcesFitArgs.scoringStrategy.type}. Each
 * scores one resource from 0 to {@link ScorePlugin#MAX_SCORE} with integer division, as Kubernetes does.
 */
public enum ScoringStrategy {

    /** Kubernetes' {@code LeastAllocated}, the default: the emptier the node, the higher; spreads pods. */
    LEAST_ALLOCATED {
        @Override
        long resourceScore(long requested, long allocatable) {
            if (requested > allocatable) {
                return 0;
            }
            return (allocatable - requested) * ScorePlugin.MAX_SCORE / allocatable;
        }
    },

    /** Kubernetes' {@code MostAllocated}: the fuller the node, the higher; packs pods so that nodes can be freed. */
    MOST_ALLOCATED {
        @Override
        long resourceScore(long requested, long allocatable) {
            // Non-zero requests can count more than the node has: such a node is simply full.
            return Math.min(requested, allocatable) * ScorePlugin.MAX_SCORE / allocatable;
        }
    };

    /** The strategy Kubernetes calls {@code name} ({@code LeastAllocated}, {@code MostAllocated}). */
    public static ScoringStrategy of(String name) {
        return switch (name) {
            case "LeastAllocated" -> LEAST_ALLOCATED;
            case "MostAllocated" -> MOST_ALLOCATED;
            default -> throw new IllegalArgumentException("berth.scheduler.scoring-strategy must be LeastAllocated or "
                    + "MostAllocated, not " + name);
        };
    }

    /**
     * @param requested   what the node's pods and the incoming pod request
     * @param allocatable what the node offers, greater than zero (callers leave out resources a node has none of)
     */
    abstract long resourceScore(long requested, long allocatable);
}
