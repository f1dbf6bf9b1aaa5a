package io.berth.controller.runtime;

/**
 * One controller's level-triggered sync of one object, named by its key ({@code namespace/name}, or {@code name} for
 * cluster-scoped kinds). It reads the informers' caches, computes what should be, and writes the difference.
 *
 * <p>Contract: idempotent (it may be called again with nothing changed, and must then write nothing); never called
 * twice at once for one key (the {@link WorkQueue} guarantees it), but called concurrently for different keys; the
 * object may be gone from the cache (deleted): clean up then. A thrown exception requeues the key with back-off.
 */
@FunctionalInterface
public interface Reconciler {

    Result reconcile(String key) throws Exception;
}
