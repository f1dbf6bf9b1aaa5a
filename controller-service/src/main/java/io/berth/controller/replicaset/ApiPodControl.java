package io.berth.controller.replicaset;

import io.berth.controller.runtime.Writes;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@link PodControl} over the API, asynchronously (a replica set's batch is sent at once). */
final class ApiPodControl implements PodControl {

    private final Writes writes;

    ApiPodControl(Writes writes) {
        this.writes = writes;
    }

    @Override
    public CompletableFuture<String> create(Pod pod) {
        return writes.create("/api/v1/namespaces/" + pod.getMetadata().getNamespace() + "/pods", pod);
    }

    @Override
    public CompletableFuture<String> delete(String namespace, String name, String uid) {
        return writes.delete("/api/v1/namespaces/" + namespace + "/pods/" + name, uid);
    }

    @Override
    public CompletableFuture<String> setOwners(Pod pod, List<OwnerReference> references) {
        // the test guards against a pod that changed since the cache saw it, as a uid precondition would
        return writes.jsonPatch("/api/v1/namespaces/" + pod.getMetadata().getNamespace() + "/pods/"
                + pod.getMetadata().getName(), List.of(
                Map.of("op", "test", "path", "/metadata/uid", "value", pod.getMetadata().getUid()),
                Map.of("op", "add", "path", "/metadata/ownerReferences", "value", references)));
    }
}
