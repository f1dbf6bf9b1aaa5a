package io.berth.controller.serviceaccount;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;

import java.util.List;
import java.util.Set;

/**
 * What Kubernetes' service account controller decides for one namespace, as a pure function: every service account
 * it manages (only {@code default}) that the namespace lacks is to be created, unless the namespace is going away.
 */
final class ServiceAccountsPlan {

    /** The service accounts every namespace has (Kubernetes' {@code --service-account-names} default). */
    static final List<String> MANAGED = List.of("default");

    private ServiceAccountsPlan() {
    }

    /**
     * The service accounts to create in {@code namespace}.
     *
     * @param existing the names of the managed service accounts the namespace has (per the cache)
     * @return the missing ones, as they are created (a bare name: the api-service fills in the rest); none for a
     *         namespace that is terminating, where a create would be refused anyway
     */
    static List<ServiceAccount> missing(Namespace namespace, Set<String> existing) {
        if (!active(namespace)) {
            return List.of();
        }
        String ns = namespace.getMetadata().getName();
        return MANAGED.stream().filter(name -> !existing.contains(name))
                .map(name -> new ServiceAccountBuilder().withNewMetadata().withNamespace(ns).withName(name)
                        .endMetadata().build())
                .toList();
    }

    /** Not marked for deletion and not Terminating (a namespace without a phase yet counts as active). */
    static boolean active(Namespace namespace) {
        String phase = namespace.getStatus() == null ? null : namespace.getStatus().getPhase();
        return namespace.getMetadata().getDeletionTimestamp() == null && !"Terminating".equals(phase);
    }
}
