package io.berth.controller.deployment;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** {@link DeploymentWrites} over the fabric8 client. */
final class ApiDeploymentWrites implements DeploymentWrites {

    private final KubernetesClient client;

    ApiDeploymentWrites(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public ReplicaSet create(ReplicaSet rs) {
        try {
            return client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).resource(rs).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                throw new AlreadyExists(rs.getMetadata().getName());
            }
            throw e;
        }
    }

    @Override
    public ReplicaSet update(ReplicaSet rs) {
        return client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).resource(rs).update();
    }

    @Override
    public void delete(ReplicaSet rs) {
        client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).withName(rs.getMetadata().getName())
                .delete();
    }

    @Override
    public Deployment update(Deployment d) {
        return client.apps().deployments().inNamespace(d.getMetadata().getNamespace()).resource(d).update();
    }

    @Override
    public Deployment updateStatus(Deployment d, DeploymentStatus status) {
        Deployment next = new DeploymentBuilder(d).withStatus(status).build();
        return client.apps().deployments().inNamespace(d.getMetadata().getNamespace()).resource(next).updateStatus();
    }

    @Override
    public ReplicaSet live(String namespace, String name) {
        return client.apps().replicaSets().inNamespace(namespace).withName(name).get();
    }
}
