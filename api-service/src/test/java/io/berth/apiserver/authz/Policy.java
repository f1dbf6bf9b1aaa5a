package io.berth.apiserver.authz;

import io.berth.apimachinery.authorizer.ClusterAuthorizer;
import io.berth.apimachinery.authorizer.NodeAuthorizer;
import io.berth.apimachinery.authorizer.NodeGraph;
import io.berth.apimachinery.rbac.RbacAuthorizer;
import io.berth.apimachinery.rbac.RbacObjects;
import io.berth.apimachinery.rbac.RuleResolver;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
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

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A fixed set of RBAC objects in memory, and the api-service's authorization built over it: the test double of the
 * watch caches for unit tests of escalation checks and reviews (no etcd, no Berth service).
 */
final class Policy implements RbacObjects {

    static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
    static final String RBAC = "rbac.authorization.k8s.io";

    private final List<HasMetadata> objects = new ArrayList<>();

    Policy add(HasMetadata... more) {
        objects.addAll(List.of(more));
        return this;
    }

    Authorization authorization(NodeGraph graph) {
        RuleResolver resolver = new RuleResolver(this);
        ClusterAuthorizer chain = new ClusterAuthorizer(new NodeAuthorizer(graph, REGISTRY),
                new RbacAuthorizer(resolver), () -> true);
        return new Authorization(chain, resolver, this, () -> CompletableFuture.completedFuture(null));
    }

    Authorization authorization() {
        return authorization(new NodeGraph() {
            @Override
            public List<Pod> podsOnNode(String node) {
                return List.of();
            }

            @Override
            public Pod pod(String namespace, String name) {
                return null;
            }
        });
    }

    static PolicyRule rule(String group, String resource, String... verbs) {
        return new PolicyRuleBuilder().withApiGroups(group).withResources(resource).withVerbs(verbs).build();
    }

    static ClusterRole clusterRole(String name, PolicyRule... rules) {
        return new ClusterRoleBuilder().withNewMetadata().withName(name).endMetadata().withRules(rules).build();
    }

    static ClusterRole labelled(String name, Map<String, String> labels, PolicyRule... rules) {
        return new ClusterRoleBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withRules(rules).build();
    }

    static ClusterRole aggregating(String name, Map<String, String> selector) {
        return new ClusterRoleBuilder().withNewMetadata().withName(name).endMetadata()
                .withAggregationRule(new AggregationRuleBuilder().addNewClusterRoleSelector()
                        .withMatchLabels(selector).endClusterRoleSelector().build()).build();
    }

    static Role role(String namespace, String name, PolicyRule... rules) {
        return new RoleBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withRules(rules).build();
    }

    static RoleBinding roleBinding(String namespace, String name, String kind, String role, String user) {
        return new RoleBindingBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewRoleRef(RBAC, kind, role).addNewSubject().withKind("User").withApiGroup(RBAC)
                .withName(user).endSubject().build();
    }

    static ClusterRoleBinding clusterRoleBinding(String name, String role, String user) {
        return new ClusterRoleBindingBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewRoleRef(RBAC, "ClusterRole", role).addNewSubject().withKind("User").withApiGroup(RBAC)
                .withName(user).endSubject().build();
    }

    @Override
    public ClusterRole clusterRole(String name) {
        return find(ClusterRole.class, null, name);
    }

    @Override
    public Role role(String namespace, String name) {
        return find(Role.class, namespace, name);
    }

    @Override
    public Collection<ClusterRole> clusterRoles() {
        return all(ClusterRole.class, null);
    }

    @Override
    public Collection<ClusterRoleBinding> clusterRoleBindings() {
        return all(ClusterRoleBinding.class, null);
    }

    @Override
    public Collection<RoleBinding> roleBindings(String namespace) {
        return namespace.isEmpty() ? List.of() : all(RoleBinding.class, namespace);
    }

    @Override
    public long revision() {
        return objects.size();
    }

    private <T extends HasMetadata> T find(Class<T> kind, String namespace, String name) {
        return all(kind, namespace).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElse(null);
    }

    private <T extends HasMetadata> List<T> all(Class<T> kind, String namespace) {
        return objects.stream().filter(kind::isInstance).map(kind::cast)
                .filter(o -> namespace == null || namespace.equals(o.getMetadata().getNamespace())).toList();
    }
}
