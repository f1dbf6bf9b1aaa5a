package io.berth.controller.namespace;

import io.berth.controller.runtime.Reconciler;
import io.berth.controller.runtime.Result;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Kubernetes' {@code namespacedResourcesDeleter.Delete} for one namespace (the key is its name): it reads the
 * namespace fresh (other controllers edit terminating namespaces too), marks it Terminating if needed, deletes every
 * namespaced resource in it that discovery names (deletecollection, else each object), lists what is left, writes
 * the deletion conditions, then waits while content is still going, or removes {@code kubernetes} from
 * {@code spec.finalizers} through {@code finalize}, after which the api-service removes the namespace once nothing
 * else holds it. Failures are retried with back-off and reported as Warning events.
 *
 * <p>Idempotent: every step reads what is there and writes only differences (a namespace already finalized, or gone,
 * is left alone). Thread safe: the verbs a resource was found not to support, and the last warning per namespace,
 * are in concurrent maps; everything else is per call.
 */
final class NamespaceReconciler implements Reconciler {

    /** Warning events about a namespace; a field so tests record them. */
    interface Events {
        void warning(Namespace about, String reason, String message);
    }

    private static final Logger log = LoggerFactory.getLogger(NamespaceReconciler.class);
    private static final int CONFLICT_RETRIES = 5;

    private final Lister<Namespace> namespaces;
    private final NamespaceApi api;
    private final Events events;
    private final Clock clock;
    /** "deletecollection pods." or "list pods.": what the server answered 404/405 to, as Kubernetes' opCache. */
    private final Set<String> unsupported = ConcurrentHashMap.newKeySet();
    /** The last warning recorded per namespace, so a failure retried with back-off is reported once. */
    private final Map<String, String> warned = new ConcurrentHashMap<>();

    NamespaceReconciler(Lister<Namespace> namespaces, NamespaceApi api, Events events, Clock clock) {
        this.namespaces = namespaces;
        this.api = api;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public Result reconcile(String key) {
        Namespace cached = namespaces.get(key);
        if (cached == null || cached.getMetadata().getDeletionTimestamp() == null) {
            warned.remove(key);
            return Result.done();
        }
        Namespace namespace = api.get(key).orElse(null);
        if (namespace != null && DeletionPlan.step(namespace) == DeletionPlan.Step.MARK_TERMINATING) {
            namespace = retryOnConflict(namespace, ns -> api.updateStatus(new NamespaceBuilder(ns).editOrNewStatus()
                    .withPhase("Terminating").endStatus().build()).orElse(null));
        }
        if (namespace == null || DeletionPlan.step(namespace) != DeletionPlan.Step.DELETE_CONTENT) {
            warned.remove(key);
            return Result.done();
        }

        DeletionPlan.Content content = deleteAllContent(namespace);
        namespace = writeConditions(namespace, content);
        DeletionPlan.Next next = DeletionPlan.next(namespace, content);
        if (next instanceof DeletionPlan.Fail fail) {
            warn(namespace, fail.reason(), fail.message());
            throw new IllegalStateException("deletion of namespace " + key + " failed: " + fail.message());
        }
        if (next instanceof DeletionPlan.Wait wait) {
            log.debug("namespace {}: content remains, looking again in {}", key, wait.after());
            return Result.requeueAfter(wait.after());
        }
        try {
            retryOnConflict(namespace, ns -> api.finalize(new NamespaceBuilder(ns).editOrNewSpec()
                    .withFinalizers(DeletionPlan.withoutFinalizer(ns)).endSpec().build()).orElse(null));
        } catch (NamespaceApi.Failure e) {
            warn(namespace, "FinalizeFailed", "removing the kubernetes finalizer failed: " + e.getMessage());
            throw e;
        }
        warned.remove(key);
        return Result.done();
    }

    /** Kubernetes' {@code deleteAllContent}: every deletable resource emptied, each failure kept, none fatal. */
    DeletionPlan.Content deleteAllContent(Namespace namespace) {
        String name = namespace.getMetadata().getName();
        String discoveryError;
        List<DeletionPlan.Deletable> resources;
        List<String> parseErrors;
        try {
            NamespaceApi.Discovered discovered = api.discover();
            discoveryError = DeletionPlan.discoveryError(discovered.failed());
            DeletionPlan.Discovery discovery = DeletionPlan.deletable(discovered.lists());
            resources = discovery.resources();
            parseErrors = discovery.parseErrors();
        } catch (NamespaceApi.Failure e) {
            // discovery errors are not fatal: what was found is still deleted
            discoveryError = e.getMessage();
            resources = List.of();
            parseErrors = List.of();
        }
        List<String> deleteErrors = new ArrayList<>();
        Map<GroupVersionResource, Integer> remaining = new HashMap<>();
        Map<String, Integer> finalizers = new TreeMap<>();
        long estimate = 0;
        for (DeletionPlan.Deletable resource : resources) {
            try {
                DeletionPlan.Remaining left = empty(resource, name);
                if (left.count() > 0) {
                    remaining.put(resource.resource(), left.count());
                    left.finalizers().forEach((f, n) -> finalizers.merge(f, n, Integer::sum));
                }
                estimate = Math.max(estimate, left.estimate());
                if (left.error() != null) {
                    deleteErrors.add(left.error());
                }
            } catch (NamespaceApi.Failure e) {
                deleteErrors.add(e.getMessage());
            }
        }
        return new DeletionPlan.Content(discoveryError, parseErrors, deleteErrors, remaining, finalizers, estimate);
    }

    /** Deletes everything of one resource in the namespace, then lists what is left. */
    private DeletionPlan.Remaining empty(DeletionPlan.Deletable resource, String namespace) {
        GroupVersionResource gvr = resource.resource();
        boolean collected = false;
        String deleteCollection = "deletecollection " + gvr.groupResource();
        if (resource.deleteCollection() && !unsupported.contains(deleteCollection)) {
            collected = api.deleteCollection(gvr, namespace);
            if (!collected) {
                unsupported.add(deleteCollection);
            }
        }
        if (!collected) {
            for (GenericKubernetesResource item : list(resource, namespace).orElse(List.of())) {
                api.delete(gvr, namespace, item.getMetadata().getName());
            }
        }
        Optional<List<GenericKubernetesResource>> left = list(resource, namespace);
        return left.map(items -> DeletionPlan.remaining(gvr, namespace, items, clock.instant()))
                .orElse(DeletionPlan.Remaining.NONE);
    }

    private Optional<List<GenericKubernetesResource>> list(DeletionPlan.Deletable resource, String namespace) {
        String list = "list " + resource.resource().groupResource();
        if (!resource.list() || unsupported.contains(list)) {
            return Optional.empty();
        }
        Optional<List<GenericKubernetesResource>> items = api.list(resource.resource(), namespace);
        if (items.isEmpty()) {
            unsupported.add(list);
        }
        return items;
    }

    /**
     * Writes the conditions when they changed; a failed write is logged and the deletion goes on (Kubernetes'),
     * since the conditions only report it.
     */
    private Namespace writeConditions(Namespace namespace, DeletionPlan.Content content) {
        Instant now = clock.instant();
        List<NamespaceCondition> current = namespace.getStatus() == null ? null
                : namespace.getStatus().getConditions();
        Optional<List<NamespaceCondition>> changed = NamespaceConditions.update(current,
                NamespaceConditions.of(content, now));
        if (changed.isEmpty()) {
            return namespace;
        }
        try {
            return api.updateStatus(new NamespaceBuilder(namespace).editOrNewStatus()
                    .withConditions(changed.get()).endStatus().build()).orElse(namespace);
        } catch (NamespaceApi.Failure e) {
            log.warn("namespace {}: could not update its deletion conditions: {}", namespace.getMetadata().getName(),
                    e.getMessage());
            return namespace;
        }
    }

    /**
     * Kubernetes' {@code retryOnConflictError}: on a conflict, read the namespace again and retry (the same namespace:
     * a new one under the same name is not this deletion's).
     *
     * @return the namespace as written, or null when it is gone
     */
    private Namespace retryOnConflict(Namespace namespace, UnaryOperator<Namespace> write) {
        Namespace latest = namespace;
        for (int attempt = 1; ; attempt++) {
            try {
                return write.apply(latest);
            } catch (NamespaceApi.Failure e) {
                if (!e.conflict() || attempt >= CONFLICT_RETRIES) {
                    throw e;
                }
            }
            Namespace fresh = api.get(latest.getMetadata().getName()).orElse(null);
            if (fresh == null) {
                return null;
            }
            if (!java.util.Objects.equals(fresh.getMetadata().getUid(), latest.getMetadata().getUid())) {
                throw new NamespaceApi.Failure(409, "namespace uid has changed across retries");
            }
            latest = fresh;
        }
    }

    private void warn(Namespace namespace, String reason, String message) {
        String name = namespace.getMetadata().getName();
        if (!(reason + ": " + message).equals(warned.put(name, reason + ": " + message))) {
            events.warning(namespace, reason, message);
        }
    }
}
