package io.berth.node.volumes;

import io.berth.node.pods.EnvSources;
import io.fabric8.kubernetes.api.model.Pod;

import java.time.Instant;

/**
 * Where volume contents come from: the API, with the node's credential (the node authorizer lets a node read only the
 * objects its pods reference, and ask for tokens only of ServiceAccounts bound to its pods).
 */
public interface VolumeSources extends EnvSources {

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
