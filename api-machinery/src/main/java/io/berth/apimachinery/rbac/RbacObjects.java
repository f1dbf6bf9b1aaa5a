package io.berth.apimachinery.rbac;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

import java.util.Collection;

/**
 * A read-only view of the RBAC objects the resolver evaluates: an informer cache in the gateway, the watch cache in
 * the api-service, {@link InMemoryRbacObjects} in tests.
 *
 * <p>Implementations are thread safe and answer from memory without blocking: the resolver calls them on every
 * request. Returned objects and collections are never modified by the resolver, and callers must not modify them
 * either (cache objects are shared).
 */
public interface RbacObjects {

    /** The ClusterRole, or null when absent. */
    ClusterRole clusterRole(String name);

    /** The Role, or null when absent (always for namespace ""). */
    Role role(String namespace, String name);

    Collection<ClusterRole> clusterRoles();

    Collection<ClusterRoleBinding> clusterRoleBindings();

    /** The RoleBindings of one namespace; empty for "". */
    Collection<RoleBinding> roleBindings(String namespace);

    /**
     * Changes whenever any RBAC object changes (an etcd revision or a counter); the resolver keys its cache of
     * aggregated ClusterRole rules on it. The new value must be returned only once the change is visible through
     * the other methods: otherwise the resolver could cache the old state under the new revision.
     */
    long revision();
}
