package io.berth.apiserver.bootstrap;

import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apimachinery.scheduling.SystemPriorityClasses;
import io.berth.apiserver.storage.EtcdStore;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * The system priority classes ({@code system-cluster-critical}, {@code system-node-critical}; see
 * {@link SystemPriorityClasses}), created at start as kube-apiserver's
 * {@code scheduling/bootstrap-system-priority-classes} hook does: a class that exists is left as it is, a missing one
 * is created. Validation allows no other value for these names, and they cannot be deleted.
 *
 * <p>Idempotent and safe with several replicas starting at once: each class is created with etcd's
 * create-if-absent, and losing that race (409) is success.
 */
public final class BootstrapPriorityClasses {

    private BootstrapPriorityClasses() {
    }

    /** Creates every missing system class; completes when both exist, or fails with the first storage error. */
    public static CompletableFuture<Void> ensure(EtcdStore store, ResourceRegistry registry, Clock clock) {
        ResourceType type = registry.find("scheduling.k8s.io", "v1", "priorityclasses").orElseThrow();
        return CompletableFuture.allOf(SystemPriorityClasses.all().stream()
                .map(pc -> BootstrapRoles.createIfMissing(store, type, pc, clock))
                .toArray(CompletableFuture[]::new));
    }
}
