package io.berth.gateway.audit;

import io.berth.apimachinery.auth.UserInfo;

import java.util.Set;

/**
 * Which audit entries a user may read. The gateway's wiring implements it with the real authorizer; without such a bean
 * {@link #mastersOnly()} applies. Thread safe; called off the event loop, once or twice per query.
 */
public interface AuditAccess {

    /** true: all entries (cluster admins). */
    boolean seesAll(UserInfo user);

    /** The namespaces in which the user holds {@code admin} (or cluster-admin) through a RoleBinding; entries of those only. */
    Set<String> adminNamespaces(UserInfo user);

    /** Members of {@code system:masters} see everything, nobody else anything. */
    static AuditAccess mastersOnly() {
        return new AuditAccess() {
            @Override
            public boolean seesAll(UserInfo user) {
                return user.inGroup("system:masters");
            }

            @Override
            public Set<String> adminNamespaces(UserInfo user) {
                return Set.of();
            }
        };
    }
}
