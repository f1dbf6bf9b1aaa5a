package io.berth.controller.replicaset;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

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
        try {
            client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).resource(updated).updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            // the deployment controller scaled the set since the cache saw it: as Kubernetes' updateReplicaSetStatus,
            // write the status once more on the latest version (the status only counts pods, so it still holds)
            ReplicaSet latest = live(rs.getMetadata().getNamespace(), rs.getMetadata().getName());
            if (latest == null || !latest.getMetadata().getUid().equals(rs.getMetadata().getUid())) {
                return;
            }
            client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace())
                    .resource(new ReplicaSetBuilder(latest).withStatus(status).build()).updateStatus();
        }
    }
}
