package io.berth.apimachinery.rbac;

import io.berth.apimachinery.auth.UserInfo;
import io.fabric8.kubernetes.api.model.rbac.AggregationRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Compact builders for RBAC test objects; lists are comma-separated, so {@code ",apps"} is the groups "" and apps. */
final class Fixtures {

    static final String RBAC = "rbac.authorization.k8s.io";

    private Fixtures() {
    }

    static List<String> csv(String values) {
        return Arrays.asList(values.split(",", -1));
    }

    static PolicyRule rule(String verbs, String groups, String resources) {
        return new PolicyRuleBuilder().withVerbs(csv(verbs)).withApiGroups(csv(groups)).withResources(csv(resources))
                .build();
    }

    static PolicyRule named(String verbs, String groups, String resources, String names) {
        return new PolicyRuleBuilder(rule(verbs, groups, resources)).withResourceNames(csv(names)).build();
    }

    static PolicyRule urls(String verbs, String urls) {
        return new PolicyRuleBuilder().withVerbs(csv(verbs)).withNonResourceURLs(csv(urls)).build();
    }

    static UserInfo user(String name, String... groups) {
        return UserInfo.of(name, "", List.of(groups));
    }

    static Subject userSubject(String name) {
        return new SubjectBuilder().withApiGroup(RBAC).withKind("User").withName(name).build();
    }

    static Subject groupSubject(String name) {
        return new SubjectBuilder().withApiGroup(RBAC).withKind("Group").withName(name).build();
    }

    static Subject serviceAccount(String namespace, String name) {
        return new SubjectBuilder().withKind("ServiceAccount").withNamespace(namespace).withName(name).build();
    }

    static RoleRef ref(String kind, String name) {
        return new RoleRef(RBAC, kind, name);
    }

    static ClusterRole clusterRole(String name, Map<String, String> labels, PolicyRule... rules) {
        return new ClusterRoleBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withRules(rules).build();
    }

    static ClusterRole clusterRole(String name, PolicyRule... rules) {
        return clusterRole(name, Map.of(), rules);
    }

    /** A ClusterRole that aggregates the ClusterRoles labelled {@code label: "true"}, like admin, edit and view. */
    static ClusterRole aggregating(String name, Map<String, String> labels, String label, PolicyRule... rules) {
        return new ClusterRoleBuilder(clusterRole(name, labels, rules))
                .withAggregationRule(new AggregationRuleBuilder()
                        .addNewClusterRoleSelector().addToMatchLabels(label, "true").endClusterRoleSelector().build())
                .build();
    }

    static Role role(String namespace, String name, PolicyRule... rules) {
        return new RoleBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withRules(rules).build();
    }

    static ClusterRoleBinding clusterBinding(String name, RoleRef ref, Subject... subjects) {
        return new ClusterRoleBindingBuilder().withNewMetadata().withName(name).endMetadata()
                .withRoleRef(ref).withSubjects(subjects).build();
    }

    static RoleBinding roleBinding(String namespace, String name, RoleRef ref, Subject... subjects) {
        return new RoleBindingBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withRoleRef(ref).withSubjects(subjects).build();
    }
}
