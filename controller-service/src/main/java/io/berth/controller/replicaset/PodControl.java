package io.berth.controller.replicaset;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The replica set controller's writes to pods (Kubernetes' {@code PodControlInterface}): the seam its tests replace.
 * Each answer completes with null on success, or the failure's message (the API's {@code Status} message); they never
 * complete exceptionally. Thread safe.
 */
public interface PodControl {

    /** Creates {@code pod} (its generateName, labels, spec and controller reference set) in its namespace. */
    CompletableFuture<String> create(Pod pod);

    /** Deletes the pod (gracefully), if it still has {@code uid}. */
    CompletableFuture<String> delete(String namespace, String name, String uid);

    /**
     * Replaces the pod's ownerReferences with {@code references}, if its resourceVersion is still
     * {@code resourceVersion} (adopting or releasing it).
     */
    CompletableFuture<String> setOwners(Pod pod, List<OwnerReference> references);
}
