package io.berth.controller.garbagecollector;

import io.berth.apimachinery.registry.ResourceType;
import io.fabric8.kubernetes.api.model.ObjectMeta;

import java.util.Optional;

/**
 * The garbage collector's only contact with the API (a seam: tests record what it is asked). Implementations are
 * thread safe; every call blocks the calling worker until the API answered.
 */
interface GarbageCollectorClient {

    /**
     * A live GET of the object stored at these coordinates (Kubernetes' {@code isDangling} lookup), for an owner the
     * informers have not shown.
     *
     * @return its metadata, or empty when there is none (404)
     */
    Optional<ObjectMeta> get(ResourceType type, String namespace, String name) throws Exception;

    /**
     * Applies one write ({@link Action.Delete}, {@link Action.UpdateOwnerReferences}, {@link Action.RemoveFinalizer})
     * or event ({@link Action.Warn}). A target that is gone (404) counts as done.
     *
     * @throws ConflictException when a precondition failed (409): the object changed since the cache showed it
     */
    void apply(Action action) throws Exception;

    /** A write's uid or resourceVersion precondition failed; the sync is retried (with back-off) on a fresher cache. */
    final class ConflictException extends Exception {
        ConflictException(String message) {
            super(message);
        }
    }
}
