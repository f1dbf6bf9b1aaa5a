package io.berth.node.pods;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;

import java.util.Optional;

/**
 * Where a container's {@code env} and {@code envFrom} references are read from: the agent's caches of the ConfigMaps
 * and Secrets its pods use (which the node authorizer lets it read). Empty means the object does not exist.
 *
 * <p>Called from the pod worker's thread while a container is planned; implementations must not block for long.
 */
public interface EnvSources {

    /** ConfigMap {@code namespace/name}, if it exists. */
    Optional<ConfigMap> configMap(String namespace, String name);

    /** Secret {@code namespace/name}, if it exists. */
    Optional<Secret> secret(String namespace, String name);

    /**
     * The {@code kubernetes} Service in {@code default}, which every container is told about
     * ({@code KUBERNETES_SERVICE_HOST} and the rest), if it exists.
     */
    default Optional<Service> masterService() {
        return Optional.empty();
    }
}
