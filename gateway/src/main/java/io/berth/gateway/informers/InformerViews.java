package io.berth.gateway.informers;

import io.berth.apimachinery.authorizer.NodeGraph;
import io.berth.apimachinery.rbac.RbacObjects;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

import java.util.Collection;
import java.util.List;

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

    static String uid(ServiceAccount sa) {
        return sa == null ? null : sa.getMetadata().getUid();
    }
}
