package io.berth.controller.serviceaccount;

import io.berth.controller.runtime.Reconciler;
import io.berth.controller.runtime.Result;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Lister;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * Kubernetes' {@code syncNamespace} of the service account controller: the key is a namespace's name; the namespace
 * and its service accounts are read from the informers' caches, {@link ServiceAccountsPlan} says which to create,
 * and {@link Client} creates them. Idempotent: with every managed service account in the cache it writes nothing.
 * Thread safe (stateless past construction).
 */
final class ServiceAccountsReconciler implements Reconciler {

    /** The one write this controller makes; a field so tests record it. */
    interface Client {

        /**
         * Creates {@code serviceAccount}. Already there (the cache lagged), or its namespace gone or terminating
         * meanwhile: nothing to do, not an error (Kubernetes ignores AlreadyExists and Forbidden).
         */
        void create(ServiceAccount serviceAccount);

        static Client over(KubernetesClient client) {
            return sa -> {
                try {
                    client.serviceAccounts().inNamespace(sa.getMetadata().getNamespace()).resource(sa).create();
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409 && e.getCode() != 403 && e.getCode() != 404) {
                        throw e;
                    }
                }
            };
        }
    }

    private final Lister<Namespace> namespaces;
    private final Lister<ServiceAccount> serviceAccounts;
    private final Client client;

    ServiceAccountsReconciler(Lister<Namespace> namespaces, Lister<ServiceAccount> serviceAccounts, Client client) {
        this.namespaces = namespaces;
        this.serviceAccounts = serviceAccounts;
        this.client = client;
    }

    @Override
    public Result reconcile(String key) {
        Namespace namespace = namespaces.get(key);
        if (namespace == null) {
            return Result.done();
        }
        Lister<ServiceAccount> inNamespace = serviceAccounts.namespace(key);
        Set<String> existing = ServiceAccountsPlan.MANAGED.stream().filter(name -> inNamespace.get(name) != null)
                .collect(Collectors.toSet());
        ServiceAccountsPlan.missing(namespace, existing).forEach(client::create);
        return Result.done();
    }
}
