package io.berth.node.volumes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where volume contents come from: the API, with the node's credential (the node authorizer lets a node read only the
 * objects its pods reference, and ask for tokens only of ServiceAccounts bound to its pods).
 */
public interface VolumeSources {

    Optional<ConfigMap> configMap(String namespace, String name);

    Optional<Secret> secret(String namespace, String name);

    /**
     * A ServiceAccount token bound to {@code pod} (TokenRequest); {@code audience} null or empty for the API's
     * audiences.
     */
    Token token(Pod pod, String serviceAccount, String audience, long expirationSeconds);

    /** The CA bundle in-cluster clients trust for the API ({@code ca.crt}). */
    byte[] caBundle();

    /** An issued token and when it expires. */
    record Token(String token, Instant expires) {
    }
}
