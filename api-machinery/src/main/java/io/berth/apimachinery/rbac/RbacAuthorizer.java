package io.berth.apimachinery.rbac;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;

import java.util.ArrayList;
import java.util.List;

/**
 * Kubernetes' RBAC authorizer: ALLOW as soon as a rule that applies to the user allows the request (reason
 * {@code RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to User "alice"}), otherwise NO_OPINION so that
 * a later authorizer may still decide. The NO_OPINION reason is "" unless bindings pointed at missing roles, then
 * {@code RBAC: } and their errors, as Kubernetes words them; it ends up in the Forbidden message.
 *
 * <p>Evaluation is lazy: bindings are visited in the resolver's order and the visit stops at the first allowing
 * rule, so a typical allowed request reads a handful of rules. Never DENY: RBAC only grants. Thread safe.
 */
public final class RbacAuthorizer implements Authorizer {

    private final RuleResolver resolver;

    public RbacAuthorizer(RuleResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public AuthorizationResult authorize(Attributes attributes) {
        Check check = new Check(attributes);
        resolver.visit(attributes.user(), attributes.namespace(), check);
        if (check.allowedBy != null) {
            return AuthorizationResult.allow("RBAC: allowed by " + check.allowedBy);
        }
        return AuthorizationResult.noOpinion(check.errors == null ? "" : "RBAC: " + GoStrings.aggregate(check.errors));
    }

    private static final class Check implements RuleResolver.SourceVisitor {
        private final Attributes attributes;
        private String allowedBy;
        private List<String> errors;

        Check(Attributes attributes) {
            this.attributes = attributes;
        }

        @Override
        public boolean visit(BindingSource source, PolicyRule rule, String error) {
            if (rule != null && Rules.allows(rule, attributes)) {
                allowedBy = source.toString();
                return false;
            }
            if (error != null) {
                if (errors == null) {
                    errors = new ArrayList<>();
                }
                errors.add(error);
            }
            return true;
        }
    }
}
