package io.berth.apiserver.admission;

import io.berth.apimachinery.errors.FieldError;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apimachinery.scheduling.SystemPriorityClasses;
import io.berth.apimachinery.validation.ObjectValidator;
import io.berth.apiserver.auth.Requester;
import io.berth.apiserver.authz.Authorization;
import io.berth.apiserver.authz.Escalation;
import io.berth.apiserver.storage.EtcdStore;
import io.berth.apiserver.watch.CachedObject;
import io.berth.apiserver.watch.WatchCaches;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authentication.BoundObjectReference;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The admission chain, in Kubernetes' order: NamespaceLifecycle (no new objects in a missing or terminating
 * namespace; the system namespaces cannot be deleted), NodeRestriction (what a node may change, field by field),
 * Priority's mutating half (a pod's priority from its PriorityClass, {@link PriorityAdmission}) and
 * DefaultTolerationSeconds (a new pod's tolerations of unready and unreachable nodes,
 * {@link DefaultTolerationSeconds}) before object validation (422); RBAC escalation prevention and Priority's
 * validating half (one global default PriorityClass) after it. Every step knows who is asking ({@link Requester}).
 * Thread safe.
 */
public final class Admission {

    public static final Set<String> UNDELETABLE_NAMESPACES = Set.of("default", "kube-system", "kube-public");

    private final ResourceType namespaces;
    private final ResourceType pods;
    private final ResourceType priorityClasses;
    private final EtcdStore store;
    private final WatchCaches caches;
    private final Authorization authorization;
    private final NodeRestriction nodeRestriction = new NodeRestriction();
    private final Escalation escalation;
    private final PriorityAdmission priority;
    private final DefaultTolerationSeconds defaultTolerationSeconds;

    /**
     * With Kubernetes' 3 s for a watch cache to catch up with etcd before a global default PriorityClass check, and
     * its 300 s of default toleration of unready and unreachable nodes.
     */
    public Admission(ResourceRegistry registry, EtcdStore store, WatchCaches caches, Authorization authorization) {
        this(registry, store, caches, authorization, Duration.ofSeconds(3));
    }

    /** @param freshnessWait how long a check that must see etcd's latest state waits for a watch cache */
    public Admission(ResourceRegistry registry, EtcdStore store, WatchCaches caches, Authorization authorization,
                     Duration freshnessWait) {
        this(registry, store, caches, authorization, freshnessWait, new AdmissionProperties(300, 300));
    }

    /**
     * @param freshnessWait how long a check that must see etcd's latest state waits for a watch cache
     * @param props         the plugins' settings
     */
    public Admission(ResourceRegistry registry, EtcdStore store, WatchCaches caches, Authorization authorization,
                     Duration freshnessWait, AdmissionProperties props) {
        this.namespaces = registry.find("", "v1", "namespaces").orElseThrow();
        this.pods = registry.find("", "v1", "pods").orElseThrow();
        this.priorityClasses = registry.find("scheduling.k8s.io", "v1", "priorityclasses").orElseThrow();
        this.store = store;
        this.caches = caches;
        this.authorization = authorization;
        this.escalation = new Escalation(authorization, registry);
        this.priority = new PriorityAdmission(pods, priorityClasses, store, caches.get(priorityClasses),
                freshnessWait);
        this.defaultTolerationSeconds = new DefaultTolerationSeconds(props);
    }

    /**
     * The checks of a create that come before validation. NamespaceLifecycle refuses a create in a namespace that
     * does not exist (404) or is being terminated (403), as Kubernetes' plugin does: the cache answers when it knows
     * the namespace, etcd otherwise, since the namespace may have been created a moment ago through another replica.
     * NodeRestriction refuses what a node may not create (403). Priority sets a pod's priority from its class, or
     * refuses it (403). DefaultTolerationSeconds adds the tolerations of unready and unreachable nodes a pod lacks.
     * For an RBAC object whose writer is checked for escalation, it completes once the RBAC caches have caught up
     * with etcd ({@link Authorization#fresh()}); for a PriorityClass that would be the global default, once the
     * PriorityClass cache has.
     */
    public CompletableFuture<Void> admitCreate(Requester who, ResourceType type, HasMetadata obj) {
        nodeRestriction.admit(who.user(), NodeRestriction.Operation.CREATE, type, "",
                obj.getMetadata().getNamespace(), obj.getMetadata().getName(), obj, null);
        return namespaceLifecycle(type, obj)
                .thenCompose(ignored -> obj instanceof Pod pod ? priority.admitPod(pod)
                        : CompletableFuture.completedFuture(null))
                .thenRun(() -> {
                    if (type == pods && obj instanceof Pod pod) {
                        defaultTolerationSeconds.admitPod(pod);
                    }
                })
                .thenCompose(ignored -> type != priorityClasses ? prepareWrite(who, type)
                        : Boolean.TRUE.equals(((PriorityClass) obj).getGlobalDefault()) ? priority.catchUp()
                        : CompletableFuture.completedFuture(null));
    }

    private CompletableFuture<Void> namespaceLifecycle(ResourceType type, HasMetadata obj) {
        if (!type.namespaced()) {
            return CompletableFuture.completedFuture(null);
        }
        String ns = obj.getMetadata().getNamespace();
        CachedObject cached = caches.get(namespaces).get(store.keys().key(namespaces, null, ns));
        CompletableFuture<HasMetadata> found = cached != null
                ? CompletableFuture.completedFuture(cached.object())
                : store.getKey(namespaces, store.keys().key(namespaces, null, ns), 0)
                        .thenApply(s -> s == null ? null : s.object());
        return found.thenAccept(namespace -> {
            if (namespace == null) {
                throw StatusErrors.notFound(namespaces, ns);
            }
            if (isTerminating(namespace)) {
                throw StatusErrors.forbidden(type, obj.getMetadata().getName() == null ? ""
                        : obj.getMetadata().getName(), "unable to create new content in namespace " + ns
                        + " because it is being terminated");
            }
        });
    }

    /**
     * What an update or patch waits for before its read-modify-write: for an RBAC object whose writer is checked
     * for escalation, that the RBAC caches have caught up with etcd; for a PriorityClass (which may become the
     * global default), that the PriorityClass cache has; otherwise nothing.
     */
    public CompletableFuture<Void> prepareWrite(Requester who, ResourceType type) {
        if (Escalation.governs(type) && !Escalation.trusted(who)) {
            return authorization.fresh();
        }
        if (type == priorityClasses) {
            return priority.catchUp();
        }
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Refuses deleting a system namespace or a system PriorityClass (403); checked before the object is read.
     */
    public void admitDelete(ResourceType type, String name) {
        if (type == namespaces && UNDELETABLE_NAMESPACES.contains(name)) {
            throw StatusErrors.forbidden(type, name, "this namespace may not be deleted");
        }
        if (type == priorityClasses) {
            priority.admitDelete(name);
        }
    }

    /**
     * True for the objects {@link #admitDelete(ResourceType, String)} refuses; a deletecollection passes over them
     * (Berth's rule: Kubernetes' deletecollection of priorityclasses would remove the system classes).
     */
    public boolean undeletable(ResourceType type, String name) {
        return (type == namespaces && UNDELETABLE_NAMESPACES.contains(name))
                || (type == priorityClasses && SystemPriorityClasses.isSystem(name));
    }

    /**
     * Admits deleting the object as it is stored (NodeRestriction: a node deletes only its own Node and Lease and
     * the finished or terminating pods bound to it). Runs inside the delete's compare-and-swap, on the very state
     * being deleted.
     */
    public void admitDelete(Requester who, ResourceType type, HasMetadata current) {
        nodeRestriction.admit(who.user(), NodeRestriction.Operation.DELETE, type, "",
                current.getMetadata().getNamespace(), current.getMetadata().getName(), null, current);
    }

    /**
     * Escalation prevention (403), validation (422), then the one-global-default rule of PriorityClasses (403); as in
     * Kubernetes a refused escalation is the answer.
     */
    public void validateCreate(Requester who, ResourceType type, HasMetadata obj) {
        List<FieldError> errors = ObjectValidator.validate(type, obj);
        checkEscalation(who, type, "", obj, null, errors);
        if (!errors.isEmpty()) {
            throw StatusErrors.invalid(type, obj.getMetadata().getName(), errors);
        }
        if (type == priorityClasses) {
            priority.validateClass(true, (PriorityClass) obj);
        }
    }

    /**
     * Kubernetes' policy-based RBAC storage checks escalation before the object is validated, so an escalating
     * write is 403 even when it is invalid too (a binding pointed at cluster-admin is refused, not "roleRef is
     * immutable"). Any other failure of the check on an invalid object gives way to the validation errors.
     */
    private static boolean isRefusedEscalation(io.berth.apimachinery.errors.ApiException e) {
        String message = String.valueOf(e.status().getMessage());
        return e.code() == 403 && (message.contains("not currently held") || message.contains("privileges"));
    }

    private void checkEscalation(Requester who, ResourceType type, String name, HasMetadata obj, HasMetadata old,
                                 List<FieldError> errors) {
        try {
            escalation.check(who, type, name, obj, old);
        } catch (io.berth.apimachinery.errors.ApiException e) {
            if (errors.isEmpty() || isRefusedEscalation(e)) {
                throw e;
            }
        } catch (RuntimeException e) {
            if (errors.isEmpty()) {
                throw e;
            }
        }
    }

    /**
     * The mutating admission of an update of the main resource, before the update strategy runs: a pod keeps the
     * priority and preemption policy it was created with when the client leaves them out. Mutates {@code obj}.
     */
    public void admitUpdate(ResourceType type, HasMetadata obj, HasMetadata old) {
        if (type == pods && obj instanceof Pod pod && old instanceof Pod oldPod) {
            PriorityAdmission.admitPodUpdate(pod, oldPod);
            // as Kubernetes: an update that drops the defaulted tolerations gets them back rather than a 422
            defaultTolerationSeconds.admitPod(pod);
        }
    }

    /**
     * The checks of an update, run on each attempt of the read-modify-write with the stored object:
     * NodeRestriction (403), escalation prevention (403), validation (422), one global default PriorityClass (403).
     *
     * @param subresource "" for the object itself, {@code status} for its status
     */
    public void validateUpdate(Requester who, ResourceType type, String subresource, HasMetadata obj,
                               HasMetadata old) {
        nodeRestriction.admit(who.user(), NodeRestriction.Operation.UPDATE, type, subresource,
                old.getMetadata().getNamespace(), old.getMetadata().getName(), obj, old);
        List<FieldError> errors = ObjectValidator.validateUpdate(type, obj, old);
        if (subresource.isEmpty()) {
            checkEscalation(who, type, old.getMetadata().getName(), obj, old, errors);
        }
        if (!errors.isEmpty()) {
            throw StatusErrors.invalid(type, obj.getMetadata().getName(), errors);
        }
        if (type == priorityClasses && subresource.isEmpty()) {
            priority.validateClass(false, (PriorityClass) obj);
        }
    }

    /**
     * Admits a write through a subresource served by its own handler ({@code pods/binding}, {@code scale}) with the
     * stored object: NodeRestriction (403). Runs inside the write's compare-and-swap.
     *
     * @param obj the object as it would be stored, or null when the subresource has no such form
     */
    public void admitSubresource(Requester who, NodeRestriction.Operation op, ResourceType type, String subresource,
                                 HasMetadata obj, HasMetadata old) {
        nodeRestriction.admit(who.user(), op, type, subresource, old.getMetadata().getNamespace(),
                old.getMetadata().getName(), obj, old);
    }

    /**
     * NodeRestriction of {@code serviceaccounts/<name>/token}: a node's TokenRequest must be bound, by uid, to a pod
     * scheduled on that node ({@link NodeRestriction#admitTokenRequest}). The pod is read from etcd, not the cache,
     * since a node asks for tokens right after a pod was bound to it, possibly through another replica. Completes at
     * once for anyone but a node.
     *
     * @return completes when admitted; fails with 403 (or 404 for a missing pod) otherwise
     */
    public CompletableFuture<Void> admitTokenRequest(Requester who, String namespace, String serviceAccount,
                                                     TokenRequest request) {
        if (NodeRestriction.nodeIdentity(who.user()).isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        BoundObjectReference ref = request.getSpec() == null ? null : request.getSpec().getBoundObjectRef();
        if (ref == null || !"Pod".equals(ref.getKind()) || ref.getName() == null || ref.getName().isEmpty()) {
            try {
                nodeRestriction.admitTokenRequest(who.user(), namespace, serviceAccount, request, null);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            return CompletableFuture.completedFuture(null);
        }
        return store.getKey(pods, store.keys().key(pods, namespace, ref.getName()), 0).thenAccept(stored ->
                nodeRestriction.admitTokenRequest(who.user(), namespace, serviceAccount, request,
                        stored == null ? null : (Pod) stored.object()));
    }

    /** NodeRestriction of {@code nodes/<name>/token}: a node renews only its own credential (403 otherwise). */
    public void admitNodeToken(Requester who, String name) {
        nodeRestriction.admitNodeToken(who.user(), name);
    }

    static boolean isTerminating(HasMetadata namespace) {
        if (namespace.getMetadata().getDeletionTimestamp() != null) {
            return true;
        }
        return namespace instanceof Namespace ns && ns.getStatus() != null
                && "Terminating".equals(ns.getStatus().getPhase());
    }

    public ResourceType namespaces() {
        return namespaces;
    }

    /** NodeRestriction, for subresources served elsewhere (the {@code token} subresources). */
    public NodeRestriction nodeRestriction() {
        return nodeRestriction;
    }

    /** The cluster's authorizer chain over this replica's caches (access reviews). */
    public Authorization authorization() {
        return authorization;
    }
}
