package io.berth.controller.rootcacert;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;

import java.util.HashMap;
import java.util.Map;

/**
 * What Kubernetes' root CA certificate publisher decides for one namespace, as a pure function of the namespace, its
 * {@code kube-root-ca.crt} ConfigMap and the cluster CA: create it, put back its data and description, or nothing.
 */
final class RootCaPlan {

    static final String CONFIG_MAP = "kube-root-ca.crt";
    static final String KEY = "ca.crt";
    static final String DESCRIPTION_ANNOTATION = "kubernetes.io/description";
    static final String DESCRIPTION = "Contains a CA bundle that can be used to verify the kube-apiserver when using"
            + " internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is"
            + " guaranteed across distributions of Kubernetes clusters.";

    /** What to write; {@code configMap} is null for {@link Kind#NONE}. */
    record Action(Kind kind, ConfigMap configMap) {

        enum Kind { NONE, CREATE, UPDATE }

        static final Action NONE = new Action(Kind.NONE, null);
    }

    private RootCaPlan() {
    }

    /**
     * @param namespace the namespace, or null when it is gone
     * @param existing  its {@code kube-root-ca.crt} per the cache, or null
     * @param ca        the cluster CA certificate, PEM
     * @return CREATE when the ConfigMap is missing; UPDATE (of a copy, resourceVersion kept so a concurrent edit is
     *         a conflict) when its data is not exactly {@code ca.crt} or its description is missing; NONE otherwise,
     *         and always for a namespace that is gone or terminating (its content is being deleted)
     */
    static Action plan(Namespace namespace, ConfigMap existing, String ca) {
        if (namespace == null || !active(namespace)) {
            return Action.NONE;
        }
        Map<String, String> data = Map.of(KEY, ca);
        if (existing == null) {
            return new Action(Action.Kind.CREATE, new ConfigMapBuilder()
                    .withNewMetadata().withNamespace(namespace.getMetadata().getName()).withName(CONFIG_MAP)
                    .addToAnnotations(DESCRIPTION_ANNOTATION, DESCRIPTION).endMetadata()
                    .withData(data).build());
        }
        Map<String, String> annotations = existing.getMetadata().getAnnotations();
        String description = annotations == null ? null : annotations.get(DESCRIPTION_ANNOTATION);
        if (data.equals(existing.getData()) && description != null && !description.isEmpty()) {
            return Action.NONE;
        }
        Map<String, String> restored = annotations == null ? new HashMap<>() : new HashMap<>(annotations);
        restored.put(DESCRIPTION_ANNOTATION, DESCRIPTION);
        return new Action(Action.Kind.UPDATE, new ConfigMapBuilder(existing)
                .editMetadata().withAnnotations(restored).endMetadata()
                .withData(new HashMap<>(data)).build());
    }

    static boolean active(Namespace namespace) {
        String phase = namespace.getStatus() == null ? null : namespace.getStatus().getPhase();
        return namespace.getMetadata().getDeletionTimestamp() == null && !"Terminating".equals(phase);
    }
}
