package io.berth.controller.rootcacert;

import io.berth.controller.runtime.Reconciler;
import io.berth.controller.runtime.Result;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Lister;

import java.util.List;

/**
 * Kubernetes' {@code syncNamespace} of the root CA certificate publisher: the key is a namespace's name; the
 * namespace and its {@code kube-root-ca.crt} are read from the caches, {@link RootCaPlan} decides, {@link Client}
 * writes. Idempotent: a ConfigMap that is as it should be is left alone. Thread safe (stateless past construction).
 */
final class RootCaReconciler implements Reconciler {

    /** The writes of this controller; a field so tests record them. */
    interface Client {

        /** Creates the ConfigMap; its namespace gone or terminating meanwhile is not an error (Kubernetes'). */
        void create(ConfigMap configMap);

        /** Replaces the ConfigMap, conditional on its resourceVersion (a conflict fails and the sync is retried). */
        void update(ConfigMap configMap);

        static Client over(KubernetesClient client) {
            return new Client() {
                @Override
                public void create(ConfigMap cm) {
                    try {
                        client.configMaps().inNamespace(cm.getMetadata().getNamespace()).resource(cm).create();
                    } catch (KubernetesClientException e) {
                        if (e.getCode() != 404 && !namespaceTerminating(e)) {
                            throw e;
                        }
                    }
                }

                @Override
                public void update(ConfigMap cm) {
                    client.configMaps().inNamespace(cm.getMetadata().getNamespace()).resource(cm).update();
                }
            };
        }

        /** Forbidden because the namespace is being terminated (NamespaceLifecycle), by cause or message. */
        private static boolean namespaceTerminating(KubernetesClientException e) {
            if (e.getCode() != 403 || e.getStatus() == null) {
                return false;
            }
            List<StatusCause> causes = e.getStatus().getDetails() == null ? List.of()
                    : e.getStatus().getDetails().getCauses();
            return causes != null && causes.stream().anyMatch(c -> "NamespaceTerminating".equals(c.getReason()))
                    || String.valueOf(e.getStatus().getMessage()).contains("because it is being terminated");
        }
    }

    private final Lister<Namespace> namespaces;
    private final Lister<ConfigMap> configMaps;
    private final String ca;
    private final Client client;

    RootCaReconciler(Lister<Namespace> namespaces, Lister<ConfigMap> configMaps, String ca, Client client) {
        this.namespaces = namespaces;
        this.configMaps = configMaps;
        this.ca = ca;
        this.client = client;
    }

    @Override
    public Result reconcile(String key) {
        RootCaPlan.Action action = RootCaPlan.plan(namespaces.get(key),
                configMaps.namespace(key).get(RootCaPlan.CONFIG_MAP), ca);
        switch (action.kind()) {
            case CREATE -> client.create(action.configMap());
            case UPDATE -> client.update(action.configMap());
            case NONE -> {
            }
        }
        return Result.done();
    }
}
