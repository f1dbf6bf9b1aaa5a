package io.berth.apiserver.admission;

import io.berth.apimachinery.errors.FieldError;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apimachinery.validation.ObjectValidator;
import io.berth.apiserver.storage.EtcdStore;
import io.berth.apiserver.watch.CachedObject;
import io.berth.apiserver.watch.WatchCaches;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The admission chain of this release: NamespaceLifecycle (no new objects in a missing or terminating namespace;
 * the system namespaces cannot be deleted) and object validation (422). Later issues add their plugins here.
 * Thread safe.
 */
public final class Admission {

    public static final Set<String> UNDELETABLE_NAMESPACES = Set.of("default", "kube-system", "kube-public");

    private final ResourceType namespaces;
    private final EtcdStore store;
    private final WatchCaches caches;

    public Admission(ResourceRegistry registry, EtcdStore store, WatchCaches caches) {
        this.namespaces = registry.find("", "v1", "namespaces").orElseThrow();
        this.store = store;
        this.caches = caches;
    }

    /**
     * Refuses a create in a namespace that does not exist (404) or is being terminated (403), as Kubernetes'
     * NamespaceLifecycle plugin does. The cache answers when it knows the namespace; etcd otherwise, since the
     * namespace may have been created a moment ago through another replica.
     */
    public CompletableFuture<Void> admitCreate(ResourceType type, HasMetadata obj) {
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

    public void admitDelete(ResourceType type, String name) {
        if (type == namespaces && UNDELETABLE_NAMESPACES.contains(name)) {
            throw StatusErrors.forbidden(type, name, "this namespace may not be deleted");
        }
    }

    public void validateCreate(ResourceType type, HasMetadata obj) {
        List<FieldError> errors = ObjectValidator.validate(type, obj);
        if (!errors.isEmpty()) {
            throw StatusErrors.invalid(type, obj.getMetadata().getName(), errors);
        }
    }

    public void validateUpdate(ResourceType type, HasMetadata obj, HasMetadata old) {
        List<FieldError> errors = ObjectValidator.validateUpdate(type, obj, old);
        if (!errors.isEmpty()) {
            throw StatusErrors.invalid(type, obj.getMetadata().getName(), errors);
        }
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
}
