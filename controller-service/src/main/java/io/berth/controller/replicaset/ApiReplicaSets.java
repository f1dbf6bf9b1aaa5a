package io.berth.controller.replicaset;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;

/** {@link ReplicaSets} over the fabric8 client. */
final class ApiReplicaSets implements ReplicaSets {

    private final KubernetesClient client;

    ApiReplicaSets(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public ReplicaSet live(String namespace, String name) {
        return client.apps().replicaSets().inNamespace(namespace).withName(name).get();
    }

    @Override
    public void updateStatus(ReplicaSet rs, ReplicaSetStatus status) {
        ReplicaSet updated = new ReplicaSetBuilder(rs).withStatus(status).build();
        client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).resource(updated).updateStatus();
    }
}
