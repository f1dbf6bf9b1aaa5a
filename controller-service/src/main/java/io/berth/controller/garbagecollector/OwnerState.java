package io.berth.controller.garbagecollector;

import io.fabric8.kubernetes.api.model.OwnerReference;

/**
 * One owner reference of a dependent, resolved against the graph (and, for an owner the graph has not seen, the API):
 * Kubernetes' {@code classifyReferences}. Immutable.
 *
 * @param misplaced the reference's uid belongs to an object the informers saw in another namespace (Kubernetes'
 *                  {@code OwnerRefInvalidNamespace}); the reference is then resolved in the dependent's namespace
 */
record OwnerState(OwnerReference reference, Presence presence, boolean misplaced) {

    enum Presence {
        /** The owner exists and is not being deleted in the foreground. */
        SOLID,
        /** The owner exists, is being deleted and has the {@code foregroundDeletion} finalizer. */
        WAITING_FOR_DEPENDENTS_DELETION,
        /** The owner does not exist: deleted, never there, or the name now holds another uid. */
        DANGLING,
        /**
         * A cluster-scoped dependent names a namespaced kind: the reference can never resolve, so Kubernetes neither
         * deletes nor patches the dependent because of it.
         */
        NAMESPACED_OWNER_OF_CLUSTER_SCOPED_OBJECT,
        /** A kind this cluster does not serve: it cannot be verified, so it never makes the dependent garbage. */
        UNKNOWN_KIND
    }

    OwnerState(OwnerReference reference, Presence presence) {
        this(reference, presence, false);
    }
}
