package io.berth.controller.replicaset;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;

/** The replica set controller's reads and writes of ReplicaSets themselves: the seam its tests replace. */
interface ReplicaSets {

    /** The replica set as the API has it now (not the cache), or null when gone. */
    ReplicaSet live(String namespace, String name);

    /** Writes {@code status} to the status subresource (a conflict throws, and the sync is retried). */
    void updateStatus(ReplicaSet rs, ReplicaSetStatus status);
}
