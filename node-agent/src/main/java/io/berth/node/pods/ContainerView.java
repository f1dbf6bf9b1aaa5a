package io.berth.node.pods;

import io.berth.node.runtime.ContainerState;

/**
 * What the pod worker knows of one of the pod's containers (by its name in the PodSpec) at a sync.
 *
 * @param name        the container's name
 * @param current     its latest run in the runtime, or null when it never ran (or its run was removed)
 * @param previous    the run before, kept for {@code lastState} and {@code logs --previous}, or null
 * @param restarts    how many times it was restarted ({@code restartCount})
 * @param image       the pod's image reference
 * @param imageId     the image's digest once known
 * @param waiting     why it is not running when it should (e.g. {@code CrashLoopBackOff}, {@code ErrImageNeverPull},
 *                    {@code ContainerCreating}), or null
 * @param message     the waiting reason's message
 * @param started     the startup probe passed (or there is none) while it runs
 * @param ready       the readiness probe passes (or there is none) while it runs
 */
public record ContainerView(String name, ContainerState current, ContainerState previous, int restarts, String image,
                            String imageId, String waiting, String message, boolean started, boolean ready) {

    public boolean running() {
        return current != null && current.running();
    }

    /** It ran and stopped (its latest run). */
    public boolean exited() {
        return current != null && !current.running() && current.exitCode() != null;
    }

    public boolean succeeded() {
        return exited() && current.exitCode() == 0;
    }
}
