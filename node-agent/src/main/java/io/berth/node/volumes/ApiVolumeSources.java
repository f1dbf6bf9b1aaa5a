package io.berth.node.volumes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

/**
 * Volume sources read from the API with the node's own credential: single-object GETs (the node authorizer allows a
 * node only referenced objects, by name) and TokenRequests bound to the pod. Thread safe.
 */
public final class ApiVolumeSources implements VolumeSources {

    /** How long the {@code kubernetes} Service read last is used before it is read again. */
    private static final java.time.Duration MASTER_SERVICE_TTL = java.time.Duration.ofSeconds(10);

    private final KubernetesClient client;
    private final Path caFile;
    private volatile MasterService masterService;

    private record MasterService(Optional<Service> service, Instant read) {
    }

    public ApiVolumeSources(KubernetesClient client, Path caFile) {
        this.client = client;
        this.caFile = caFile;
    }

    @Override
    public Optional<ConfigMap> configMap(String namespace, String name) {
        return get(() -> client.configMaps().inNamespace(namespace).withName(name).get(), "configmap", name);
    }

    @Override
    public Optional<Secret> secret(String namespace, String name) {
        return get(() -> client.secrets().inNamespace(namespace).withName(name).get(), "secret", name);
    }

    /**
     * {@inheritDoc} Read at most every 10 seconds; when it cannot be read, the last answer
     * stands (or none), so a container never fails for it.
     */
    @Override
    public Optional<Service> masterService() {
        MasterService last = masterService;
        Instant now = Instant.now();
        if (last != null && last.read().plus(MASTER_SERVICE_TTL).isAfter(now)) {
            return last.service();
        }
        try {
            Optional<Service> read = Optional.ofNullable(client.services().inNamespace("default")
                    .withName("kubernetes").get());
            masterService = new MasterService(read, now);
            return read;
        } catch (KubernetesClientException e) {
            return last == null ? Optional.empty() : last.service();
        }
    }

    private static <T> Optional<T> get(java.util.function.Supplier<T> read, String kind, String name) {
        try {
            return Optional.ofNullable(read.get());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return Optional.empty();
            }
            throw new VolumeFailure("cannot read " + kind + " \"" + name + "\": " + message(e), e);
        }
    }

    @Override
    public Token token(Pod pod, String serviceAccount, String audience, long expirationSeconds) {
        TokenRequest request = new TokenRequestBuilder()
                .withNewSpec()
                .withAudiences(audience == null || audience.isEmpty() ? List.of() : List.of(audience))
                .withExpirationSeconds(expirationSeconds)
                .withNewBoundObjectRef().withApiVersion("v1").withKind("Pod")
                .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).endBoundObjectRef()
                .endSpec().build();
        try {
            TokenRequest issued = client.serviceAccounts().inNamespace(pod.getMetadata().getNamespace())
                    .withName(serviceAccount).tokenRequest(request);
            String expires = issued.getStatus().getExpirationTimestamp();
            return new Token(issued.getStatus().getToken(), expires == null
                    ? Instant.now().plusSeconds(expirationSeconds) : ZonedDateTime.parse(expires).toInstant());
        } catch (KubernetesClientException e) {
            throw new VolumeFailure("MountVolume.SetUp failed for volume \"" + Volumes.SA_VOLUME
                    + "\" : failed to fetch token: " + message(e), e);
        }
    }

    /** The API's own words (the Status message), not fabric8's request dump. */
    static String message(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getMessage();
    }

    @Override
    public byte[] caBundle() {
        try {
            return Files.readAllBytes(caFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + caFile, e);
        }
    }
}
