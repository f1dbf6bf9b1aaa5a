package io.berth.controller.garbagecollector;

import io.berth.controller.garbagecollector.OwnerState.Presence;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The garbage collector's decisions as pure functions of what the graph holds: Kubernetes v1.32's
 * {@code attemptToDeleteItem} (an object as a dependent), {@code processDeletingDependentsItem} (an owner deleted in
 * the foreground) and {@code attemptToOrphan} (an owner deleted with its dependents orphaned). Stateless and thread
 * safe.
 */
final class GarbageCollectionPlan {

    static final String OWNER_REF_INVALID_NAMESPACE = "OwnerRefInvalidNamespace";

    private GarbageCollectionPlan() {
    }

    /**
     * An object as a dependent of its owners. With at least one solid owner it stays, less the references to absent
     * owners and to owners waiting for their dependents' deletion (Kubernetes' {@code removeDanglingOwnerRefs}: those
     * would otherwise keep the foreground owner waiting). Without one it is garbage: deleted in the foreground when an
     * owner waits for it and it has dependents of its own (so the owner waits for them too), otherwise with the
     * policy its own finalizers ask for, else in the background.
     *
     * @param owners                      {@code item}'s owner references, resolved
     * @param hasDependents               the graph knows objects that {@code item} owns
     * @param aDependentDeletesDependents one of them is itself being deleted in the foreground (a possible cycle)
     */
    static List<Action> forDependent(ObjectState item, List<OwnerState> owners, boolean hasDependents,
                                     boolean aDependentDeletesDependents) {
        // being deleted is a one-way trip: its dependents are handled once it is gone
        if (item.beingDeleted() || owners.isEmpty()) {
            return List.of();
        }
        List<Action> actions = new ArrayList<>();
        boolean unresolvable = false;
        List<OwnerReference> solid = new ArrayList<>();
        Set<String> dropped = new HashSet<>();
        boolean waiting = false;
        for (OwnerState owner : owners) {
            if (owner.misplaced() || owner.presence() == Presence.NAMESPACED_OWNER_OF_CLUSTER_SCOPED_OBJECT) {
                actions.add(invalidNamespace(item, owner.reference()));
            }
            switch (owner.presence()) {
                case SOLID, UNKNOWN_KIND -> solid.add(owner.reference());
                case DANGLING -> dropped.add(owner.reference().getUid());
                case WAITING_FOR_DEPENDENTS_DELETION -> {
                    dropped.add(owner.reference().getUid());
                    waiting = true;
                }
                case NAMESPACED_OWNER_OF_CLUSTER_SCOPED_OBJECT -> unresolvable = true;
            }
        }
        if (unresolvable) {
            // Kubernetes forgets such an item: no retry can make the reference resolve
            return actions;
        }
        if (!solid.isEmpty()) {
            if (!dropped.isEmpty()) {
                List<OwnerReference> remaining = item.ownerReferences().stream()
                        .filter(r -> !dropped.contains(r.getUid())).toList();
                actions.add(new Action.UpdateOwnerReferences(item.ref(), item.resourceVersion(), remaining));
            }
            return actions;
        }
        if (waiting && hasDependents) {
            boolean blocksAnOwner = item.ownerReferences().stream().anyMatch(ObjectState::blocks);
            if (aDependentDeletesDependents && blocksAnOwner) {
                // owner and dependent both wait in the foreground: unblock first so a cycle cannot wait forever
                actions.add(new Action.UpdateOwnerReferences(item.ref(), item.resourceVersion(),
                        item.ownerReferences().stream().map(GarbageCollectionPlan::unblocked).toList()));
                // the patch moved the resourceVersion; the uid still guards the delete
                actions.add(new Action.Delete(item.ref(), null, Action.FOREGROUND));
            } else {
                actions.add(new Action.Delete(item.ref(), item.resourceVersion(), Action.FOREGROUND));
            }
            return actions;
        }
        String policy = item.hasFinalizer(ObjectState.ORPHAN) ? Action.ORPHAN
                : item.hasFinalizer(ObjectState.FOREGROUND_DELETION) ? Action.FOREGROUND : Action.BACKGROUND;
        actions.add(new Action.Delete(item.ref(), item.resourceVersion(), policy));
        return actions;
    }

    /**
     * An owner being deleted in the foreground: its {@code foregroundDeletion} finalizer goes once no dependent
     * references it with {@code blockOwnerDeletion: true} (a dependent that is itself being deleted still blocks
     * until it is gone); until then each blocking dependent not yet being deleted is synced, so its own plan deletes
     * it (or, when it has another solid owner, drops the reference).
     */
    static List<Action> forForegroundDeletion(ObjectState owner, List<ObjectState> dependents) {
        if (!owner.deletingDependents()) {
            return List.of();
        }
        List<Action> actions = new ArrayList<>();
        boolean blocked = false;
        for (ObjectState dependent : dependents) {
            boolean blocking = dependent.referenceTo(owner.ref().uid()).map(ObjectState::blocks).orElse(false);
            if (!blocking) {
                continue;
            }
            blocked = true;
            if (!dependent.beingDeleted()) {
                actions.add(new Action.Sync(dependent.ref().uid()));
            }
        }
        if (!blocked) {
            actions.add(removeFinalizer(owner, ObjectState.FOREGROUND_DELETION));
        }
        return actions;
    }

    /**
     * An owner being deleted with the {@code orphan} finalizer: the reference to it is removed from every dependent,
     * then the finalizer from the owner (applied in that order: a failed patch keeps the finalizer).
     */
    static List<Action> forOrphaning(ObjectState owner, List<ObjectState> dependents) {
        if (!owner.orphaningDependents()) {
            return List.of();
        }
        List<Action> actions = new ArrayList<>();
        String uid = owner.ref().uid();
        for (ObjectState dependent : dependents) {
            if (dependent.referenceTo(uid).isPresent()) {
                actions.add(new Action.UpdateOwnerReferences(dependent.ref(), dependent.resourceVersion(),
                        dependent.ownerReferences().stream().filter(r -> !uid.equals(r.getUid())).toList()));
            }
        }
        actions.add(removeFinalizer(owner, ObjectState.ORPHAN));
        return actions;
    }

    private static Action removeFinalizer(ObjectState owner, String finalizer) {
        return new Action.RemoveFinalizer(owner.ref(), owner.resourceVersion(), finalizer,
                owner.finalizers().stream().filter(f -> !f.equals(finalizer)).toList());
    }

    private static OwnerReference unblocked(OwnerReference reference) {
        return ObjectState.blocks(reference)
                ? new OwnerReferenceBuilder(reference).withBlockOwnerDeletion(false).build() : reference;
    }

    /** Kubernetes' {@code reportInvalidNamespaceOwnerRef}: the reference as seen from the dependent's namespace. */
    private static Action invalidNamespace(ObjectState item, OwnerReference reference) {
        String namespace = item.ref().namespace() == null ? "" : item.ref().namespace();
        return new Action.Warn(item.ref(), OWNER_REF_INVALID_NAMESPACE, "ownerRef [" + reference.getApiVersion() + "/"
                + reference.getKind() + ", namespace: " + namespace + ", name: " + reference.getName() + ", uid: "
                + reference.getUid() + "] does not exist in namespace \"" + namespace + "\"");
    }
}
