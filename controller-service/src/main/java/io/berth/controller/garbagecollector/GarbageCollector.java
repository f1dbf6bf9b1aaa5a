package io.berth.controller.garbagecollector;

import io.berth.apimachinery.registry.ResourceType;
import io.berth.controller.garbagecollector.OwnerState.Presence;
import io.berth.controller.runtime.Reconciler;
import io.berth.controller.runtime.Result;
import io.berth.controller.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The garbage collector's sync of one graph node, keyed by the object's uid: Kubernetes' {@code attemptToDeleteItem}
 * and {@code attemptToOrphan} workers in one level-triggered reconcile. An owner being deleted in the foreground or
 * with its dependents orphaned is planned as an owner ({@link GarbageCollectionPlan#forForegroundDeletion},
 * {@link GarbageCollectionPlan#forOrphaning}); any other object as a dependent of its owner references
 * ({@link GarbageCollectionPlan#forDependent}), each resolved from the graph. Only an owner the graph does not hold
 * under the reference's coordinates is looked up live (Kubernetes' {@code isDangling}: a 404 or another uid means
 * absent, which the graph then remembers).
 *
 * <p>Idempotent: every write is guarded by the uid and resourceVersion of the state it was planned on, so a sync on a
 * stale cache fails with 409 and is retried with back-off. Called concurrently for different uids.
 */
final class GarbageCollector implements Reconciler {

    private static final Logger log = LoggerFactory.getLogger(GarbageCollector.class);
    /**
     * How soon an object is synced again after a live GET found its owner, which the informers have not shown yet: if
     * they never do (it was created and deleted between two lists), only another GET can tell it went (Kubernetes
     * requeues a virtual node until it is observed).
     */
    static final Duration UNOBSERVED_OWNER_RECHECK = Duration.ofSeconds(5);

    private final DependencyGraph graph;
    private final Kinds kinds;
    private final GarbageCollectorClient client;
    private final WorkQueue queue;

    GarbageCollector(DependencyGraph graph, Kinds kinds, GarbageCollectorClient client, WorkQueue queue) {
        this.graph = graph;
        this.kinds = kinds;
        this.client = client;
        this.queue = queue;
    }

    @Override
    public Result reconcile(String uid) throws Exception {
        DependencyGraph.Observed observed = graph.observed(uid);
        if (observed == null) {
            // deleted, or only ever referenced: its dependents were synced when that was learnt
            return Result.done();
        }
        ObjectState item = ObjectState.of(observed.type(), observed.object());
        List<Action> actions;
        boolean ownerUnobserved = false;
        if (item.orphaningDependents()) {
            actions = GarbageCollectionPlan.forOrphaning(item, graph.dependents(uid));
        } else if (item.deletingDependents()) {
            actions = GarbageCollectionPlan.forForegroundDeletion(item, graph.dependents(uid));
        } else if (item.beingDeleted() || item.ownerReferences().isEmpty()) {
            return Result.done();
        } else {
            List<OwnerState> owners = new ArrayList<>(item.ownerReferences().size());
            for (OwnerReference ref : item.ownerReferences()) {
                Resolved resolved = resolve(item, ref);
                owners.add(resolved.state());
                ownerUnobserved |= resolved.live() && resolved.state().presence() != Presence.DANGLING;
            }
            actions = GarbageCollectionPlan.forDependent(item, owners, graph.hasDependents(uid),
                    graph.aDependentDeletesDependents(uid));
        }
        apply(actions);
        return ownerUnobserved ? Result.requeueAfter(UNOBSERVED_OWNER_RECHECK) : Result.done();
    }

    private record Resolved(OwnerState state, boolean live) {
    }

    private Resolved resolve(ObjectState item, OwnerReference ref) throws Exception {
        ResourceType kind = kinds.of(ref).orElse(null);
        if (kind == null) {
            log.debug("{}: owner {}/{} is of a kind this cluster does not serve; it is kept as solid", item.ref(),
                    ref.getApiVersion(), ref.getKind());
            return new Resolved(new OwnerState(ref, Presence.UNKNOWN_KIND), false);
        }
        String namespace = item.ref().namespace();
        if (kind.namespaced() && namespace == null) {
            log.info("{} is cluster-scoped, but refers to a namespaced owner {}/{} {}", item.ref(),
                    ref.getApiVersion(), ref.getKind(), ref.getName());
            return new Resolved(new OwnerState(ref, Presence.NAMESPACED_OWNER_OF_CLUSTER_SCOPED_OBJECT), false);
        }
        String ownerNamespace = kind.namespaced() ? namespace : null;
        String coordinates = Kinds.coordinates(kind, ownerNamespace, ref.getName());
        DependencyGraph.Owner known = graph.owner(ref.getUid(), coordinates);
        boolean misplaced = false;
        if (known.object() != null) {
            ObjectMeta meta = known.object().getMetadata();
            if (known.type().equals(kind) && ref.getName().equals(meta.getName())
                    && Objects.equals(emptyToNull(meta.getNamespace()), ownerNamespace)) {
                return new Resolved(new OwnerState(ref, presence(meta)), false);
            }
            misplaced = known.type().namespaced() && !Objects.equals(emptyToNull(meta.getNamespace()), namespace);
            if (misplaced) {
                log.info("{} references an owner {} that is in another namespace", item.ref(), ref.getUid());
            }
        }
        if (known.absent()) {
            return new Resolved(new OwnerState(ref, Presence.DANGLING, misplaced), false);
        }
        ObjectMeta live = client.get(kind, ownerNamespace, ref.getName()).orElse(null);
        if (live == null || !ref.getUid().equals(live.getUid())) {
            graph.markAbsent(ref.getUid(), coordinates);
            return new Resolved(new OwnerState(ref, Presence.DANGLING, misplaced), true);
        }
        return new Resolved(new OwnerState(ref, presence(live), misplaced), true);
    }

    private static Presence presence(ObjectMeta owner) {
        boolean waiting = owner.getDeletionTimestamp() != null && owner.getFinalizers() != null
                && owner.getFinalizers().contains(ObjectState.FOREGROUND_DELETION);
        return waiting ? Presence.WAITING_FOR_DEPENDENTS_DELETION : Presence.SOLID;
    }

    /** In order; the first failure stops the rest (an orphan finalizer stays until every reference is removed). */
    private void apply(List<Action> actions) throws Exception {
        for (Action action : actions) {
            if (action instanceof Action.Sync sync) {
                queue.add(sync.uid());
            } else {
                log.debug("{}", action);
                client.apply(action);
            }
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
