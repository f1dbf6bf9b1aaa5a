package io.berth.apimachinery.validation;

import io.berth.apimachinery.errors.FieldError;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.rbac.AggregationRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Role, ClusterRole, RoleBinding and ClusterRoleBinding rules (Kubernetes' rbac validation). */
final class RbacValidation {

    static final String GROUP = "rbac.authorization.k8s.io";

    private RbacValidation() {
    }

    static List<FieldError> validateRules(List<PolicyRule> rules, boolean namespaced) {
        List<FieldError> errs = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            errs.addAll(validateRule(rules.get(i), namespaced, FieldPath.of("rules").index(i)));
        }
        return errs;
    }

    private static List<FieldError> validateRule(PolicyRule rule, boolean namespaced, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (Errs.list(rule.getVerbs()).isEmpty()) {
            errs.add(Errs.required(path.child("verbs"), "verbs must contain at least one value"));
        }
        List<String> urls = Errs.list(rule.getNonResourceURLs());
        if (!urls.isEmpty()) {
            if (namespaced) {
                errs.add(Errs.invalid(path.child("nonResourceURLs"), GoValue.stringSlice(urls),
                        "namespaced rules cannot apply to non-resource URLs"));
            }
            if (!Errs.list(rule.getApiGroups()).isEmpty() || !Errs.list(rule.getResources()).isEmpty()
                    || !Errs.list(rule.getResourceNames()).isEmpty()) {
                errs.add(Errs.invalid(path.child("nonResourceURLs"), GoValue.stringSlice(urls),
                        "rules cannot apply to both regular resources and non-resource URLs"));
            }
            return errs;
        }
        if (Errs.list(rule.getApiGroups()).isEmpty()) {
            errs.add(Errs.required(path.child("apiGroups"), "resource rules must supply at least one api group"));
        }
        if (Errs.list(rule.getResources()).isEmpty()) {
            errs.add(Errs.required(path.child("resources"), "resource rules must supply at least one resource"));
        }
        return errs;
    }

    static List<FieldError> validateAggregationRule(AggregationRule rule) {
        List<FieldError> errs = new ArrayList<>();
        if (rule == null) {
            return errs;
        }
        FieldPath path = FieldPath.of("aggregationRule", "clusterRoleSelectors");
        List<LabelSelector> selectors = Errs.list(rule.getClusterRoleSelectors());
        if (selectors.isEmpty()) {
            errs.add(Errs.required(path, "at least one clusterRoleSelector required if aggregationRule is non-nil"));
        }
        for (int i = 0; i < selectors.size(); i++) {
            errs.addAll(SelectorValidation.validate(selectors.get(i), path.index(i)));
        }
        return errs;
    }

    /** @param namespaced true for RoleBinding (kind Role or ClusterRole), false for ClusterRoleBinding */
    static List<FieldError> validateBinding(RoleRef ref, List<Subject> subjects, boolean namespaced) {
        List<FieldError> errs = new ArrayList<>();
        RoleRef r = ref == null ? new RoleRef() : ref;
        String apiGroup = r.getApiGroup() == null ? "" : r.getApiGroup();
        if (!apiGroup.equals(GROUP)) {
            errs.add(Errs.notSupported(FieldPath.of("roleRef", "apiGroup"), apiGroup, List.of(GROUP)));
        }
        String kind = r.getKind() == null ? "" : r.getKind();
        List<String> kinds = namespaced ? List.of("Role", "ClusterRole") : List.of("ClusterRole");
        if (!kinds.contains(kind)) {
            errs.add(Errs.notSupported(FieldPath.of("roleRef", "kind"), kind, kinds));
        }
        if (Errs.isEmpty(r.getName())) {
            errs.add(Errs.required(FieldPath.of("roleRef", "name"), ""));
        } else {
            Errs.invalidEach(errs, FieldPath.of("roleRef", "name"), r.getName(),
                    NameValidation.isValidPathSegmentName(r.getName()));
        }
        List<Subject> list = Errs.list(subjects);
        for (int i = 0; i < list.size(); i++) {
            errs.addAll(validateSubject(list.get(i), namespaced, FieldPath.of("subjects").index(i)));
        }
        return errs;
    }

    private static List<FieldError> validateSubject(Subject s, boolean namespaced, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        String name = s.getName() == null ? "" : s.getName();
        String apiGroup = s.getApiGroup() == null ? "" : s.getApiGroup();
        if (name.isEmpty()) {
            errs.add(Errs.required(path.child("name"), ""));
        }
        String kind = s.getKind() == null ? "" : s.getKind();
        switch (kind) {
            case "ServiceAccount" -> {
                if (!name.isEmpty()) {
                    Errs.invalidEach(errs, path.child("name"), name, NameValidation.isDns1123Subdomain(name));
                }
                if (!apiGroup.isEmpty()) {
                    errs.add(Errs.notSupported(path.child("apiGroup"), apiGroup, List.of("")));
                }
                if (!namespaced && Errs.isEmpty(s.getNamespace())) {
                    errs.add(Errs.required(path.child("namespace"), ""));
                }
            }
            case "User", "Group" -> {
                // an empty apiGroup is defaulted to rbac.authorization.k8s.io for users and groups
                if (!apiGroup.isEmpty() && !apiGroup.equals(GROUP)) {
                    errs.add(Errs.notSupported(path.child("apiGroup"), apiGroup, List.of(GROUP)));
                }
            }
            default -> errs.add(Errs.notSupported(path.child("kind"), kind, List.of("ServiceAccount", "User", "Group")));
        }
        return errs;
    }

    static List<FieldError> validateRoleRefUpdate(RoleRef n, RoleRef o) {
        List<FieldError> errs = new ArrayList<>();
        if (!Objects.equals(n, o)) {
            RoleRef r = n == null ? new RoleRef() : n;
            errs.add(Errs.invalid(FieldPath.of("roleRef"), new GoValue("rbac.RoleRef{APIGroup:"
                    + GoValue.quote(r.getApiGroup()) + ", Kind:" + GoValue.quote(r.getKind()) + ", Name:"
                    + GoValue.quote(r.getName()) + "}"), "cannot change roleRef"));
        }
        return errs;
    }
}
