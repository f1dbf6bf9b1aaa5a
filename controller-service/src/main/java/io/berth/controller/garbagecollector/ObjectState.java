package io.berth.controller.garbagecollector;

import io.berth.apimachinery.registry.ResourceType;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;

import java.util.List;
import java.util.Optional;

/**
 * What the garbage collector needs to know of one object it saw in an informer's cache: who it is, the
 * resourceVersion its writes are guarded with, its owner references and finalizers, and whether it is being deleted.
 * Immutable.
 */
record ObjectState(ObjectRef ref, String resourceVersion, List<OwnerReference> ownerReferences,
                   List<String> finalizers, boolean beingDeleted) {

    /** Kubernetes' {@code metav1.FinalizerOrphanDependents}. */
    static final String ORPHAN = "orphan";
    /** Kubernetes' {@code metav1.FinalizerDeleteDependents}. */
    static final String FOREGROUND_DELETION = "foregroundDeletion";

    ObjectState {
        ownerReferences = ownerReferences == null ? List.of() : List.copyOf(ownerReferences);
        finalizers = finalizers == null ? List.of() : List.copyOf(finalizers);
    }

    static ObjectState of(ResourceType type, HasMetadata obj) {
        ObjectMeta meta = obj.getMetadata();
        return new ObjectState(ObjectRef.of(type, obj), meta.getResourceVersion(), meta.getOwnerReferences(),
                meta.getFinalizers(), meta.getDeletionTimestamp() != null);
    }

    boolean hasFinalizer(String finalizer) {
        return finalizers.contains(finalizer);
    }

    /** Being deleted in the foreground: it waits for its blocking dependents to go. */
    boolean deletingDependents() {
        return beingDeleted && hasFinalizer(FOREGROUND_DELETION);
    }

    /** Being deleted with its dependents orphaned: it waits for its references to be removed from them. */
    boolean orphaningDependents() {
        return beingDeleted && hasFinalizer(ORPHAN);
    }

    Optional<OwnerReference> referenceTo(String ownerUid) {
        return ownerReferences.stream().filter(r -> ownerUid.equals(r.getUid())).findFirst();
    }

    static boolean blocks(OwnerReference reference) {
        return Boolean.TRUE.equals(reference.getBlockOwnerDeletion());
    }
}
