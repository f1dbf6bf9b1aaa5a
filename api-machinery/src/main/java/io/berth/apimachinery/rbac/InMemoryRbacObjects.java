package io.berth.apimachinery.rbac;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * RBAC objects held in memory: for tests, and for components that load a fixed policy. Objects are stored as given
 * (not copied): do not modify one after putting it. Thread safe; readers never block, and {@link #revision()}
 * advances after each change is visible, as {@link RbacObjects} requires.
 */
public final class InMemoryRbacObjects implements RbacObjects {

    private final Map<String, ClusterRole> clusterRoles = new ConcurrentHashMap<>();
    private final Map<String, ClusterRoleBinding> clusterRoleBindings = new ConcurrentHashMap<>();
    private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();
    private final Collection<ClusterRole> clusterRoleView = Collections.unmodifiableCollection(clusterRoles.values());
    private final Collection<ClusterRoleBinding> clusterRoleBindingView =
            Collections.unmodifiableCollection(clusterRoleBindings.values());
    private final AtomicLong revision = new AtomicLong();

    /** Kubernetes' and Berth's default policy ({@link BootstrapPolicy}). */
    public static InMemoryRbacObjects bootstrap() {
        InMemoryRbacObjects objects = new InMemoryRbacObjects();
        BootstrapPolicy.clusterRoles().forEach(objects::put);
        BootstrapPolicy.clusterRoleBindings().forEach(objects::put);
        BootstrapPolicy.roles().forEach(objects::put);
        BootstrapPolicy.roleBindings().forEach(objects::put);
        return objects;
    }

    /** Adds or replaces a ClusterRole, ClusterRoleBinding, Role or RoleBinding. */
    public InMemoryRbacObjects put(HasMetadata object) {
        String name = object.getMetadata().getName();
        if (object instanceof ClusterRole r) {
            clusterRoles.put(name, r);
        } else if (object instanceof ClusterRoleBinding b) {
            clusterRoleBindings.put(name, b);
        } else if (object instanceof Role r) {
            namespace(r.getMetadata().getNamespace()).roles.put(name, r);
        } else if (object instanceof RoleBinding b) {
            namespace(b.getMetadata().getNamespace()).bindings.put(name, b);
        } else {
            throw new IllegalArgumentException("not an RBAC object: " + object.getKind());
        }
        revision.incrementAndGet();
        return this;
    }

    /** Removes the object of that kind, namespace and name, if present. */
    public InMemoryRbacObjects remove(HasMetadata object) {
        String name = object.getMetadata().getName();
        String ns = object.getMetadata().getNamespace();
        if (object instanceof ClusterRole) {
            clusterRoles.remove(name);
        } else if (object instanceof ClusterRoleBinding) {
            clusterRoleBindings.remove(name);
        } else if (object instanceof Role) {
            namespace(ns).roles.remove(name);
        } else if (object instanceof RoleBinding) {
            namespace(ns).bindings.remove(name);
        }
        revision.incrementAndGet();
        return this;
    }

    @Override
    public ClusterRole clusterRole(String name) {
        return clusterRoles.get(name);
    }

    @Override
    public Role role(String namespace, String name) {
        Namespace ns = namespaces.get(namespace);
        return ns == null ? null : ns.roles.get(name);
    }

    @Override
    public Collection<ClusterRole> clusterRoles() {
        return clusterRoleView;
    }

    @Override
    public Collection<ClusterRoleBinding> clusterRoleBindings() {
        return clusterRoleBindingView;
    }

    @Override
    public Collection<RoleBinding> roleBindings(String namespace) {
        Namespace ns = namespaces.get(namespace);
        return ns == null ? List.of() : ns.bindingView;
    }

    @Override
    public long revision() {
        return revision.get();
    }

    private Namespace namespace(String namespace) {
        if (namespace == null || namespace.isEmpty()) {
            throw new IllegalArgumentException("Roles and RoleBindings need a namespace");
        }
        return namespaces.computeIfAbsent(namespace, n -> new Namespace());
    }

    private static final class Namespace {
        final Map<String, Role> roles = new ConcurrentHashMap<>();
        final Map<String, RoleBinding> bindings = new ConcurrentHashMap<>();
        final Collection<RoleBinding> bindingView = Collections.unmodifiableCollection(bindings.values());
    }
}
