package io.berth.gateway.authz;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.authorizer.ClusterAuthorizer;
import io.berth.apimachinery.rbac.Attributes;
import io.berth.apimachinery.rbac.RuleResolver;
import io.berth.gateway.audit.AuditAccess;
import io.berth.gateway.informers.ClusterInformers;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;

import java.util.Set;
import java.util.TreeSet;

/**
 * Who reads the audit trail, from the same policy that authorizes requests: cluster admins (whoever may do
 * everything everywhere: {@code system:masters} or a {@code cluster-admin} ClusterRoleBinding) read all of it; a user
 * bound to {@code admin} or {@code cluster-admin} in a namespace by a RoleBinding reads that namespace's entries.
 * Thread safe: reads the informer caches.
 */
public final class RbacAuditAccess implements AuditAccess {

    private static final Set<String> ADMIN_ROLES = Set.of("admin", "cluster-admin");

    private final ClusterAuthorizer authorizer;
    private final ClusterInformers informers;

    public RbacAuditAccess(ClusterAuthorizer authorizer, ClusterInformers informers) {
        this.authorizer = authorizer;
        this.informers = informers;
    }

    @Override
    public boolean seesAll(UserInfo user) {
        return authorizer.authorize(Attributes.resource(user, "*", "*", "*", "", "", ""), null).allowed();
    }

    @Override
    public Set<String> adminNamespaces(UserInfo user) {
        Set<String> namespaces = new TreeSet<>();
        for (RoleBinding binding : informers.allRoleBindings()) {
            if (binding.getRoleRef() == null || !"ClusterRole".equals(binding.getRoleRef().getKind())
                    || !ADMIN_ROLES.contains(binding.getRoleRef().getName()) || binding.getSubjects() == null) {
                continue;
            }
            String namespace = binding.getMetadata().getNamespace();
            for (Subject subject : binding.getSubjects()) {
                if (RuleResolver.appliesTo(subject, user, namespace)) {
                    namespaces.add(namespace);
                    break;
                }
            }
        }
        return namespaces;
    }
}
