package io.berth.apimachinery.rbac;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;

/** Receives the rules that apply to a user, one at a time, as Kubernetes' {@code VisitRulesFor} visitor does. */
@FunctionalInterface
public interface RuleVisitor {

    /**
     * Either a rule or an error is given, never both.
     *
     * @param source where the rule comes from, e.g.
     *               {@code ClusterRoleBinding "admins" of ClusterRole "admin" to User "alice"}; null with an error
     * @param rule   the rule (shared: do not modify it), or null with an error
     * @param error  why a binding contributed no rules, e.g.
     *               {@code clusterrole.rbac.authorization.k8s.io "missing" not found}; null with a rule
     * @return false to stop visiting
     */
    boolean visit(String source, PolicyRule rule, String error);
}
