package io.berth.apiserver.authz;

import io.berth.apimachinery.rbac.RbacObjects;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apimachinery.storage.EtcdKeys;
import io.berth.apiserver.watch.CachedObject;
import io.berth.apiserver.watch.WatchCache;
import io.berth.apiserver.watch.WatchCaches;
import io.berth.apiserver.watch.WatchFilter;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The RBAC objects as this replica's watch caches hold them, for the rule resolver of access reviews and escalation
 * checks. Reads memory only. The objects are the caches' shared instances: never change them.
 *
 * <p>{@link #revision()} is the sum of the four caches' revisions: each only grows, and grows with every change it
 * applies (after the change is visible), so the sum changes whenever any RBAC object does. Thread safe.
 */
public final class CacheRbacObjects implements RbacObjects {

    public static final String GROUP = "rbac.authorization.k8s.io";

    private final EtcdKeys keys;
    private final WatchCache clusterRoles;
    private final WatchCache roles;
    private final WatchCache clusterRoleBindings;
    private final WatchCache roleBindings;

    public CacheRbacObjects(ResourceRegistry registry, EtcdKeys keys, WatchCaches caches) {
        this.keys = keys;
        this.clusterRoles = caches.get(type(registry, "clusterroles"));
        this.roles = caches.get(type(registry, "roles"));
        this.clusterRoleBindings = caches.get(type(registry, "clusterrolebindings"));
        this.roleBindings = caches.get(type(registry, "rolebindings"));
    }

    static ResourceType type(ResourceRegistry registry, String resource) {
        return registry.find(GROUP, "v1", resource).orElseThrow();
    }

    /** The four caches, for waiting until they hold a revision. */
    List<WatchCache> caches() {
        return List.of(clusterRoles, roles, clusterRoleBindings, roleBindings);
    }

    @Override
    public ClusterRole clusterRole(String name) {
        CachedObject c = clusterRoles.get(keys.key(clusterRoles.type(), null, name));
        return c == null ? null : (ClusterRole) c.object();
    }

    @Override
    public Role role(String namespace, String name) {
        if (namespace == null || namespace.isEmpty()) {
            return null;
        }
        CachedObject c = roles.get(keys.key(roles.type(), namespace, name));
        return c == null ? null : (Role) c.object();
    }

    @Override
    public Collection<ClusterRole> clusterRoles() {
        return objects(clusterRoles, "", ClusterRole.class);
    }

    @Override
    public Collection<ClusterRoleBinding> clusterRoleBindings() {
        return objects(clusterRoleBindings, "", ClusterRoleBinding.class);
    }

    @Override
    public Collection<RoleBinding> roleBindings(String namespace) {
        if (namespace == null || namespace.isEmpty()) {
            return List.of();
        }
        return objects(roleBindings, namespace, RoleBinding.class);
    }

    @Override
    public long revision() {
        return clusterRoles.revision() + roles.revision() + clusterRoleBindings.revision() + roleBindings.revision();
    }

    private static <T extends HasMetadata> List<T> objects(WatchCache cache, String namespace, Class<T> kind) {
        List<CachedObject> items = cache.list(WatchFilter.everything(namespace)).items();
        List<T> objects = new ArrayList<>(items.size());
        for (CachedObject c : items) {
            objects.add(kind.cast(c.object()));
        }
        return objects;
    }
}
