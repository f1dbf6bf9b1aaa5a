package io.berth.gateway.authn;

import io.fabric8.kubernetes.api.model.Secret;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link CredentialLookups} over maps, as an informer-fed implementation would answer. */
final class InMemoryLookups implements CredentialLookups {

    final Map<String, String> serviceAccounts = new ConcurrentHashMap<>();
    final Map<String, String> pods = new ConcurrentHashMap<>();
    final Map<String, Secret> secrets = new ConcurrentHashMap<>();

    InMemoryLookups serviceAccount(String namespace, String name, String uid) {
        serviceAccounts.put(namespace + "/" + name, uid);
        return this;
    }

    InMemoryLookups pod(String namespace, String name, String uid) {
        pods.put(namespace + "/" + name, uid);
        return this;
    }

    InMemoryLookups secret(Secret secret) {
        secrets.put(secret.getMetadata().getName(), secret);
        return this;
    }

    @Override
    public Optional<String> serviceAccountUid(String namespace, String name) {
        return Optional.ofNullable(serviceAccounts.get(namespace + "/" + name));
    }

    @Override
    public Optional<String> podUid(String namespace, String name) {
        return Optional.ofNullable(pods.get(namespace + "/" + name));
    }

    @Override
    public Optional<Secret> kubeSystemSecret(String name) {
        return Optional.ofNullable(secrets.get(name));
    }
}
