package io.berth.apiserver.bootstrap;

import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apiserver.storage.EtcdErrors;
import io.berth.apiserver.storage.EtcdStore;
import io.berth.apiserver.strategy.Defaults;
import io.berth.apiserver.strategy.Strategy;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Creates the namespaces every Kubernetes cluster has (default, kube-system, kube-public, kube-node-lease) when they
 * are missing. Idempotent and safe with several replicas: a namespace another replica created first is left alone.
 */
public final class SystemNamespaces {

    public static final List<String> NAMES = List.of("default", "kube-system", "kube-public", "kube-node-lease");

    private SystemNamespaces() {
    }

    public static CompletableFuture<Void> ensure(EtcdStore store, ResourceType namespaces, Clock clock) {
        CompletableFuture<?>[] all = NAMES.stream().map(name -> {
            Namespace ns = new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build();
            Defaults.apply(ns);
            Strategy.prepareForCreate(namespaces, ns, clock.instant());
            return store.getKey(namespaces, store.keys().key(namespaces, null, name), 0)
                    .thenCompose(existing -> existing != null
                            ? CompletableFuture.completedFuture(null)
                            : store.create(namespaces, ns, 0).exceptionally(e -> {
                                Throwable cause = EtcdErrors.unwrap(e);
                                if (cause instanceof ApiException api && api.code() == 409) {
                                    return null;
                                }
                                throw EtcdErrors.translate(cause);
                            }));
        }).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(all);
    }
}
