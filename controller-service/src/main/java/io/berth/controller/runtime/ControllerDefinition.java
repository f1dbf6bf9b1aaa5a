package io.berth.controller.runtime;

/**
 * A controller as the manager runs it, one instance per leadership term (so expectations and caches of a past term
 * never leak into the next). {@link #setUp} registers the controller's informer handlers, which only enqueue keys
 * into {@code queue}, and returns its {@link Reconciler}; the manager starts the informers, waits for their caches
 * to sync, then starts {@link #workers()} workers.
 */
public interface ControllerDefinition {

    /** Kubernetes' name for it ({@code replicaset}, {@code deployment}, ...): the workqueue metrics' {@code name}. */
    String name();

    /** Concurrent syncs (Kubernetes' {@code --concurrent-*-syncs}). */
    int workers();

    Reconciler setUp(ControllerContext context, WorkQueue queue);
}
