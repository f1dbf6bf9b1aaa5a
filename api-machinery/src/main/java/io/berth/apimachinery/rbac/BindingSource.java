package io.berth.apimachinery.rbac;

import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;

/**
 * The binding and subject a visited rule comes from, described only when someone asks: the authorizer needs the
 * words once, for the rule that allows, not for every rule it tries. One instance is reused for every binding of a
 * visit, so it is confined to the visiting thread; {@link #toString()} is what a {@link RuleVisitor} sees.
 */
final class BindingSource {

    private String kind;
    private String bindingName;
    private String bindingNamespace;
    private RoleRef roleRef;
    private Subject subject;
    private String description;

    BindingSource set(String kind, String bindingName, String bindingNamespace, RoleRef roleRef, Subject subject) {
        this.kind = kind;
        this.bindingName = bindingName;
        this.bindingNamespace = bindingNamespace;
        this.roleRef = roleRef;
        this.subject = subject;
        this.description = null;
        return this;
    }

    /** Kubernetes' describers, e.g. {@code RoleBinding "devs/team-a" of ClusterRole "edit" to Group "devs"}. */
    @Override
    public String toString() {
        if (description == null) {
            String name = bindingNamespace.isEmpty() ? bindingName : bindingName + "/" + bindingNamespace;
            description = kind + " " + GoStrings.quote(name) + " of " + nonNull(roleRef.getKind()) + " "
                    + GoStrings.quote(nonNull(roleRef.getName())) + " to " + describe(subject, bindingNamespace);
        }
        return description;
    }

    private static String describe(Subject s, String bindingNamespace) {
        String kind = nonNull(s.getKind());
        String name = nonNull(s.getName());
        if (kind.equals("ServiceAccount")) {
            String namespace = nonNull(s.getNamespace()).isEmpty() ? bindingNamespace : s.getNamespace();
            return kind + " " + GoStrings.quote(name + "/" + namespace);
        }
        return kind + " " + GoStrings.quote(name);
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
