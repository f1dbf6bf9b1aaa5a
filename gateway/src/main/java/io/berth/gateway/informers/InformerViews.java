package io.berth.gateway.informers;

import io.berth.apimachinery.authorizer.NodeGraph;
import io.berth.apimachinery.rbac.RbacObjects;
import io.berth.gateway.authn.CredentialLookups;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The read-only views the authorizers and authenticators use, over the gateway's informer caches. */
public final class InformerViews {

    private InformerViews() {
    }

    public static RbacObjects rbac(ClusterInformers informers) {
        return new RbacObjects() {
            @Override
            public ClusterRole clusterRole(String name) {
                return informers.clusterRole(name);
            }

            @Override
            public Role role(String namespace, String name) {
                return informers.role(namespace, name);
            }

            @Override
            public Collection<ClusterRole> clusterRoles() {
                return informers.clusterRoles();
            }

            @Override
            public Collection<ClusterRoleBinding> clusterRoleBindings() {
                return informers.clusterRoleBindings();
            }

            @Override
            public Collection<RoleBinding> roleBindings(String namespace) {
                return namespace.isEmpty() ? List.of() : informers.roleBindings(namespace);
            }

            @Override
            public long revision() {
                return informers.rbacRevision();
            }
        };
    }

    public static NodeGraph nodeGraph(ClusterInformers informers) {
        return new NodeGraph() {
            @Override
            public List<Pod> podsOnNode(String node) {
                return informers.podsOnNode(node);
            }

            @Override
            public Pod pod(String namespace, String name) {
                return informers.pod(namespace, name);
            }
        };
    }

    public static CredentialLookups credentials(ClusterInformers informers) {
        return new CredentialLookups() {
            @Override
            public Optional<String> serviceAccountUid(String namespace, String name) {
                ServiceAccount sa = informers.serviceAccount(namespace, name);
                return sa == null ? Optional.empty() : Optional.ofNullable(sa.getMetadata().getUid());
            }

            @Override
            public Optional<String> podUid(String namespace, String name) {
                Pod pod = informers.pod(namespace, name);
                return pod == null ? Optional.empty() : Optional.ofNullable(pod.getMetadata().getUid());
            }

            @Override
            public Optional<Secret> kubeSystemSecret(String name) {
                return informers.kubeSystemSecret(name);
            }
        };
    }
}
