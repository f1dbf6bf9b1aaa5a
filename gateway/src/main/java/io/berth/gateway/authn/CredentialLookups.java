package io.berth.gateway.authn;

import io.fabric8.kubernetes.api.model.Secret;

import java.util.Optional;

/**
 * What the token authenticators look up about the cluster: the objects a credential is bound to. The gateway feeds
 * it from informers; tests from maps. Implementations are thread safe, answer from memory (they are asked on every
 * request) and return objects the caller must not modify.
 */
public interface CredentialLookups {

    /** The uid of ServiceAccount {@code namespace/name}, or empty when it does not exist. */
    Optional<String> serviceAccountUid(String namespace, String name);

    /** The uid of Pod {@code namespace/name}, or empty when it does not exist. */
    Optional<String> podUid(String namespace, String name);

    /** Secret {@code kube-system/name} (bootstrap tokens, node credentials), or empty when it does not exist. */
    Optional<Secret> kubeSystemSecret(String name);
}
