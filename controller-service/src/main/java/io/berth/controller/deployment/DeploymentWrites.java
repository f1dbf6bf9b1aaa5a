package io.berth.controller.deployment;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

/**
 * The deployment controller's writes (the seam its tests replace). Each call is guarded by the object's
 * resourceVersion where Kubernetes guards it, so a stale cache fails with a conflict (an exception) and the sync is
 * retried rather than overwriting newer state.
 */
interface DeploymentWrites {

    /** Creates the replica set; returns it as stored, or throws {@link AlreadyExists} when its name is taken. */
    ReplicaSet create(ReplicaSet rs);

    /** Replaces the replica set (its spec and metadata), guarded by its resourceVersion; returns it as stored. */
    ReplicaSet update(ReplicaSet rs);

    void delete(ReplicaSet rs);

    /** Replaces the deployment's metadata and spec (its revision annotation), guarded by its resourceVersion. */
    Deployment update(Deployment d);

    /** Writes the deployment's status subresource; returns the deployment as stored. */
    Deployment updateStatus(Deployment d, DeploymentStatus status);

    /** The replica set as the API has it now, or null. */
    ReplicaSet live(String namespace, String name);

    /** The name of a new replica set is taken. */
    final class AlreadyExists extends RuntimeException {
        AlreadyExists(String name) {
            super("replica set " + name + " already exists");
        }
    }
}
