package io.berth.scheduler.framework;

import java.util.Set;

/**
 * A scheduling plugin: one or more of the extension point interfaces ({@link PreFilterPlugin}, {@link FilterPlugin},
 * {@link PostFilterPlugin}, {@link PreScorePlugin}, {@link ScorePlugin}, {@link ReservePlugin}). Plugins are called by
 * the scheduling thread, one cycle at a time, and keep per-cycle data in the {@link CycleState}, never in fields.
 */
public interface Plugin {

    /** Kubernetes' name for the plugin ({@code NodeResourcesFit}, {@code TaintToleration}, ...). */
    String name();

    /**
     * The cluster events after which a pod this plugin rejected may fit (Kubernetes' {@code EventsToRegister} and
     * queueing hints): only these move the pod out of the unschedulable pods early. Default: none.
     */
    default Set<ClusterEvent> events() {
        return Set.of();
    }
}
