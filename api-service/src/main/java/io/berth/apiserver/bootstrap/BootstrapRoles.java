package io.berth.apiserver.bootstrap;

import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.rbac.BootstrapPolicy;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apiserver.storage.EtcdErrors;
import io.berth.apiserver.storage.EtcdStore;
import io.berth.apiserver.strategy.Defaults;
import io.berth.apiserver.strategy.Strategy;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The cluster's default RBAC policy ({@link BootstrapPolicy}: cluster-admin, admin/edit/view, system:basic-user,
 * system:node, the control-plane roles, their bindings), created at start as kube-apiserver's
 * {@code rbac/bootstrap-roles} hook does, but create-only: an object that exists is never overwritten or
 * "reconciled", so an administrator's edit of a default role stays. A deleted one comes back at the next start.
 *
 * <p>Idempotent and safe with several replicas starting at once: each object is created with etcd's
 * create-if-absent, and losing that race (409) is success. The system namespaces must exist first (the default
 * Roles live in kube-system and kube-public).
 */
public final class BootstrapRoles {

    private BootstrapRoles() {
    }

    /** Creates every missing default; completes when all exist, or fails with the first storage error. */
    public static CompletableFuture<Void> ensure(EtcdStore store, ResourceRegistry registry, Clock clock) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        ensureAll(all, store, type(registry, "clusterroles"), BootstrapPolicy.clusterRoles(), clock);
        ensureAll(all, store, type(registry, "clusterrolebindings"), BootstrapPolicy.clusterRoleBindings(), clock);
        ensureAll(all, store, type(registry, "roles"), BootstrapPolicy.roles(), clock);
        ensureAll(all, store, type(registry, "rolebindings"), BootstrapPolicy.roleBindings(), clock);
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    private static ResourceType type(ResourceRegistry registry, String resource) {
        return registry.find("rbac.authorization.k8s.io", "v1", resource).orElseThrow();
    }

    private static void ensureAll(List<CompletableFuture<Void>> all, EtcdStore store, ResourceType type,
                                  List<? extends HasMetadata> objects, Clock clock) {
        for (HasMetadata obj : objects) {
            all.add(createIfMissing(store, type, Json.deepCopy(obj), clock));
        }
    }

    /** Creates {@code obj} unless an object of its name exists; never changes an existing object. */
    static CompletableFuture<Void> createIfMissing(EtcdStore store, ResourceType type, HasMetadata obj, Clock clock) {
        String namespace = type.namespaced() ? obj.getMetadata().getNamespace() : null;
        String name = obj.getMetadata().getName();
        return store.getKey(type, store.keys().key(type, namespace, name), 0).thenCompose(existing -> {
            if (existing != null) {
                return CompletableFuture.completedFuture(null);
            }
            Defaults.apply(obj);
            Strategy.prepareForCreate(type, obj, clock.instant());
            return store.create(type, obj, 0).<Void>thenApply(created -> null).exceptionally(e -> {
                Throwable cause = EtcdErrors.unwrap(e);
                if (cause instanceof ApiException api && api.code() == 409) {
                    return null;
                }
                throw EtcdErrors.translate(cause);
            });
        });
    }
}
