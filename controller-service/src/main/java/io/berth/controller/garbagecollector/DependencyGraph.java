package io.berth.controller.garbagecollector;

import io.berth.apimachinery.registry.ResourceType;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Kubernetes' {@code GraphBuilder} graph: every object the informers hold, by uid, with the uids of the objects that
 * name it in their {@code ownerReferences} (its dependents). An owner that is referenced but not (or no longer) in the
 * caches stays as a node while dependents reference it: <em>virtual</em> when it was never seen (a live GET decides
 * whether it exists), <em>deleted</em> when its deletion was seen (absent for good: uids are never reused).
 *
 * <p>{@link #observe} and {@link #forget} are called by the informer handlers and answer the uids whose sync the
 * change calls for: a dependent whose owner is gone, unseen or waiting for its dependents; an owner in foreground or
 * orphan deletion; a foreground owner one of whose blocking dependents went. An object whose owners are all in the
 * caches is never named, so healthy objects cost no sync and no API call. Each change costs O(owner references of
 * that object), except an owner's entry into foreground deletion and its first sight after its dependents (O(its
 * dependents)).
 *
 * <p>Holds the informers' own (immutable, shared) objects, no copies. Thread safe: one monitor, held briefly.
 */
final class DependencyGraph {

    private static final class Node {
        ResourceType type;
        /** The last state the informers showed; null while only referenced, or once deleted. */
        HasMetadata object;
        /** Its deletion was observed. */
        boolean deleted;
        /** Coordinates under which a live GET found no object with this uid. */
        Set<String> absentAs;
        /** Uids of the observed objects that reference this one; null when none (most objects own nothing). */
        Set<String> dependents;
    }

    /** What the graph knows of an owner reference's target. */
    record Owner(ResourceType type, HasMetadata object, boolean absent) {
        static final Owner UNKNOWN = new Owner(null, null, false);
    }

    /** An observed object and its kind. */
    record Observed(ResourceType type, HasMetadata object) {
    }

    private final Map<String, Node> nodes = new HashMap<>();

    /**
     * Records the added or updated {@code obj} of kind {@code type}.
     *
     * @return the uids to sync
     */
    synchronized Set<String> observe(ResourceType type, HasMetadata obj) {
        String uid = obj.getMetadata().getUid();
        if (uid == null) {
            return Set.of();
        }
        Node node = nodes.computeIfAbsent(uid, u -> new Node());
        HasMetadata old = node.object;
        node.type = type;
        node.object = obj;
        node.deleted = false;
        Set<String> sync = new LinkedHashSet<>();
        List<OwnerReference> after = owners(obj);
        if (old == null || !owners(old).equals(after)) {
            relink(uid, old == null ? List.of() : owners(old), after, sync);
            if (obj.getMetadata().getDeletionTimestamp() == null && needsVerification(obj, after)) {
                sync.add(uid);
            }
        }
        if (old == null && node.dependents != null) {
            // dependents seen before their owner that name it otherwise (name, kind or namespace): now it can be seen
            for (String d : node.dependents) {
                Node dependent = nodes.get(d);
                if (dependent != null && dependent.object != null && owners(dependent.object).stream()
                        .anyMatch(r -> uid.equals(r.getUid()) && !matches(node, r, namespace(dependent.object)))) {
                    sync.add(d);
                }
            }
        }
        if (orphaning(obj) || deletingDependents(obj)) {
            sync.add(uid);
            if (deletingDependents(obj) && (old == null || !deletingDependents(old)) && node.dependents != null) {
                sync.addAll(node.dependents);
            }
        }
        return sync;
    }

    /**
     * Records that {@code obj} was deleted (its last state may be unknown: the graph's own copy is used).
     *
     * @return the uids to sync: its dependents and the foreground owners it blocked
     */
    synchronized Set<String> forget(HasMetadata obj) {
        String uid = obj.getMetadata().getUid();
        Node node = uid == null ? null : nodes.get(uid);
        if (node == null) {
            return Set.of();
        }
        HasMetadata last = node.object != null ? node.object : obj;
        node.object = null;
        node.deleted = true;
        Set<String> sync = new LinkedHashSet<>();
        for (OwnerReference ref : owners(last)) {
            unlink(ref.getUid(), uid);
            wakeIfDeletingDependents(ref.getUid(), sync);
        }
        if (node.dependents == null) {
            nodes.remove(uid);
        } else {
            sync.addAll(node.dependents);
        }
        return sync;
    }

    /** The observed object with this uid, or null. */
    synchronized Observed observed(String uid) {
        Node node = nodes.get(uid);
        return node == null || node.object == null ? null : new Observed(node.type, node.object);
    }

    /** What the graph knows of the object with {@code uid} at {@code coordinates} ({@link Kinds#coordinates}). */
    synchronized Owner owner(String uid, String coordinates) {
        Node node = nodes.get(uid);
        if (node == null) {
            return Owner.UNKNOWN;
        }
        boolean absent = node.deleted || node.absentAs != null && node.absentAs.contains(coordinates);
        return new Owner(node.type, node.object, absent);
    }

    /** A live GET found no object with {@code uid} at {@code coordinates}: later syncs need not ask again. */
    synchronized void markAbsent(String uid, String coordinates) {
        Node node = nodes.get(uid);
        if (node != null) {
            if (node.absentAs == null) {
                node.absentAs = new HashSet<>(2);
            }
            node.absentAs.add(coordinates);
        }
    }

    /** The observed objects that reference {@code uid}. */
    synchronized List<ObjectState> dependents(String uid) {
        Node node = nodes.get(uid);
        if (node == null || node.dependents == null) {
            return List.of();
        }
        List<ObjectState> dependents = new ArrayList<>(node.dependents.size());
        for (String d : node.dependents) {
            Node dependent = nodes.get(d);
            if (dependent != null && dependent.object != null) {
                dependents.add(ObjectState.of(dependent.type, dependent.object));
            }
        }
        return dependents;
    }

    synchronized boolean hasDependents(String uid) {
        Node node = nodes.get(uid);
        return node != null && node.dependents != null;
    }

    /** Whether an object that references {@code uid} is itself being deleted in the foreground. */
    synchronized boolean aDependentDeletesDependents(String uid) {
        Node node = nodes.get(uid);
        if (node == null || node.dependents == null) {
            return false;
        }
        for (String d : node.dependents) {
            Node dependent = nodes.get(d);
            if (dependent != null && dependent.object != null && deletingDependents(dependent.object)) {
                return true;
            }
        }
        return false;
    }

    /** Nodes held: observed objects and the owners still referenced after they went (or before they came). */
    synchronized int size() {
        return nodes.size();
    }

    private void relink(String uid, List<OwnerReference> before, List<OwnerReference> after, Set<String> sync) {
        Map<String, OwnerReference> was = byUid(before);
        Map<String, OwnerReference> now = byUid(after);
        for (String owner : was.keySet()) {
            if (!now.containsKey(owner)) {
                unlink(owner, uid);
                wakeIfDeletingDependents(owner, sync);
            }
        }
        for (Map.Entry<String, OwnerReference> e : now.entrySet()) {
            OwnerReference previous = was.get(e.getKey());
            if (previous == null) {
                link(e.getKey(), uid);
            } else if (ObjectState.blocks(previous) != ObjectState.blocks(e.getValue())) {
                wakeIfDeletingDependents(e.getKey(), sync);
            }
        }
    }

    private void link(String owner, String dependent) {
        Node node = nodes.computeIfAbsent(owner, u -> new Node());
        if (node.dependents == null) {
            node.dependents = new HashSet<>(4);
        }
        node.dependents.add(dependent);
    }

    private void unlink(String owner, String dependent) {
        Node node = nodes.get(owner);
        if (node == null || node.dependents == null) {
            return;
        }
        node.dependents.remove(dependent);
        if (node.dependents.isEmpty()) {
            node.dependents = null;
            if (node.object == null) {
                // a virtual or deleted owner is kept only for its dependents
                nodes.remove(owner);
            }
        }
    }

    private void wakeIfDeletingDependents(String owner, Set<String> sync) {
        Node node = nodes.get(owner);
        if (node != null && node.object != null && deletingDependents(node.object)) {
            sync.add(owner);
        }
    }

    /** Some owner is not in the caches as the reference names it, or waits for its dependents' deletion. */
    private boolean needsVerification(HasMetadata dependent, List<OwnerReference> refs) {
        String namespace = namespace(dependent);
        for (OwnerReference ref : refs) {
            Node owner = nodes.get(ref.getUid());
            if (owner == null || owner.object == null || !matches(owner, ref, namespace)
                    || deletingDependents(owner.object)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(Node owner, OwnerReference ref, String dependentNamespace) {
        boolean scope = !owner.type.namespaced() || Objects.equals(namespace(owner.object), dependentNamespace);
        return scope && Kinds.sameKind(owner.type, ref) && Objects.equals(owner.object.getMetadata().getName(),
                ref.getName());
    }

    private static String namespace(HasMetadata obj) {
        String namespace = obj.getMetadata().getNamespace();
        return namespace == null || namespace.isEmpty() ? null : namespace;
    }

    private static Map<String, OwnerReference> byUid(List<OwnerReference> refs) {
        if (refs.isEmpty()) {
            return Map.of();
        }
        Map<String, OwnerReference> map = new LinkedHashMap<>();
        for (OwnerReference ref : refs) {
            if (ref.getUid() != null) {
                map.putIfAbsent(ref.getUid(), ref);
            }
        }
        return map;
    }

    private static List<OwnerReference> owners(HasMetadata obj) {
        List<OwnerReference> refs = obj.getMetadata().getOwnerReferences();
        return refs == null ? List.of() : refs;
    }

    private static boolean deletingDependents(HasMetadata obj) {
        return beingDeletedWith(obj, ObjectState.FOREGROUND_DELETION);
    }

    private static boolean orphaning(HasMetadata obj) {
        return beingDeletedWith(obj, ObjectState.ORPHAN);
    }

    private static boolean beingDeletedWith(HasMetadata obj, String finalizer) {
        List<String> finalizers = obj.getMetadata().getFinalizers();
        return obj.getMetadata().getDeletionTimestamp() != null && finalizers != null && finalizers.contains(finalizer);
    }
}
