package io.berth.apimachinery.rbac;

import java.util.List;
import java.util.Set;

/**
 * Kubernetes' privileged group authorizer ({@code system:masters}): ALLOW for a member of any of the groups,
 * NO_OPINION otherwise. Membership never depends on RBAC objects, so an administrator cannot lock themselves out by
 * deleting bindings. Immutable and thread safe.
 */
public final class PrivilegedGroupAuthorizer implements Authorizer {

    private final Set<String> groups;

    public PrivilegedGroupAuthorizer(Set<String> groups) {
        this.groups = Set.copyOf(groups);
    }

    @Override
    public AuthorizationResult authorize(Attributes attributes) {
        if (attributes.user() == null) {
            return AuthorizationResult.noOpinion("Error: no user on request.");
        }
        List<String> userGroups = attributes.user().groups();
        for (int i = 0; i < userGroups.size(); i++) {
            if (groups.contains(userGroups.get(i))) {
                return AuthorizationResult.allow("");
            }
        }
        return AuthorizationResult.noOpinion("");
    }
}
