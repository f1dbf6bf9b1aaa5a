package io.berth.apimachinery.rbac;

import io.berth.apimachinery.auth.UserInfo;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.berth.apimachinery.rbac.Fixtures.ref;
import static io.berth.apimachinery.rbac.Fixtures.roleBinding;
import static io.berth.apimachinery.rbac.Fixtures.rule;
import static io.berth.apimachinery.rbac.Fixtures.user;
import static io.berth.apimachinery.rbac.Fixtures.userSubject;
import static org.assertj.core.api.Assertions.assertThat;

class BootstrapPolicyTest {

    private static final RuleResolver RESOLVER = new RuleResolver(InMemoryRbacObjects.bootstrap());
    private static final UserInfo TESTER = user("tester");

    record Grant(String role, String request, Attributes attributes, boolean allowed) {
        @Override
        public String toString() {
            return role + (allowed ? " may " : " may not ") + request;
        }
    }

    /** A namespaced request, written "verb resource[/subresource]" or "verb group:resource[/subresource]". */
    private static Grant ns(String role, String request, boolean allowed) {
        return new Grant(role, request, attributes(request, "team"), allowed);
    }

    private static Grant cluster(String role, String request, boolean allowed) {
        return new Grant(role, request, attributes(request, ""), allowed);
    }

    private static Grant path(String role, String request, boolean allowed) {
        String[] parts = request.split(" ");
        return new Grant(role, request, Attributes.nonResource(TESTER, parts[0], parts[1]), allowed);
    }

    private static Attributes attributes(String request, String namespace) {
        String[] parts = request.split(" ");
        String[] groupResource = parts[1].contains(":") ? parts[1].split(":") : new String[] {"", parts[1]};
        String[] resource = groupResource[1].split("/");
        String name = parts.length > 2 ? parts[2] : "";
        return Attributes.resource(TESTER, parts[0], groupResource[0], resource[0],
                resource.length > 1 ? resource[1] : "", namespace, name);
    }

    // expectations from Kubernetes v1.32's golden cluster-roles.yaml, evaluated through aggregation
    static Stream<Grant> grants() {
        return Stream.of(
                ns("admin", "create pods/exec", true),
                ns("admin", "get pods/exec", true),
                ns("admin", "update rbac.authorization.k8s.io:rolebindings", true),
                ns("admin", "create rbac.authorization.k8s.io:roles", true),
                ns("admin", "bind rbac.authorization.k8s.io:clusterroles", false),
                ns("admin", "escalate rbac.authorization.k8s.io:roles", false),
                ns("admin", "create serviceaccounts/token", true),
                ns("admin", "impersonate serviceaccounts", true),
                ns("admin", "delete pods", true),
                ns("admin", "create pods/eviction", true),
                ns("admin", "create authorization.k8s.io:localsubjectaccessreviews", true),
                ns("admin", "get secrets", true),
                ns("admin", "patch apps:deployments/scale", true),
                ns("admin", "create coordination.k8s.io:leases", true),
                ns("admin", "update resourcequotas", false),
                ns("admin", "get resourcequotas", true),
                ns("admin", "create limitranges", false),
                ns("admin", "update pods/status", false),
                ns("admin", "create pods/binding", false),
                ns("admin", "create endpoints", false),
                ns("admin", "delete namespaces", false),
                ns("edit", "create pods", true),
                ns("edit", "get secrets", true),
                ns("edit", "patch networking.k8s.io:networkpolicies", true),
                ns("edit", "create rbac.authorization.k8s.io:roles", false),
                ns("edit", "list rbac.authorization.k8s.io:rolebindings", false),
                ns("edit", "create authorization.k8s.io:localsubjectaccessreviews", false),
                ns("view", "list pods", true),
                ns("view", "get pods/log", true),
                ns("view", "watch discovery.k8s.io:endpointslices", true),
                ns("view", "get secrets", false),
                ns("view", "get pods/exec", false),
                ns("view", "create pods", false),
                ns("view", "list rbac.authorization.k8s.io:roles", false),
                cluster("cluster-admin", "delete nodes", true),
                path("cluster-admin", "post /anything", true),
                cluster("system:basic-user", "create authorization.k8s.io:selfsubjectaccessreviews", true),
                path("system:discovery", "get /apis/apps/v1", true),
                path("system:discovery", "get /metrics", false),
                path("system:public-info-viewer", "get /healthz", true),
                path("system:public-info-viewer", "get /healthz/etcd", false),
                path("system:monitoring", "get /healthz/etcd", true),
                path("system:monitoring", "get /metrics", true),
                path("system:service-account-issuer-discovery", "get /openid/v1/jwks", true),
                ns("system:kube-scheduler", "create pods/binding", true),
                ns("system:kube-scheduler", "update pods", false),
                new Grant("system:kube-scheduler", "update coordination.k8s.io:leases kube-scheduler",
                        attributes("update coordination.k8s.io:leases kube-scheduler", "kube-system"), true),
                new Grant("system:kube-scheduler", "update coordination.k8s.io:leases other",
                        attributes("update coordination.k8s.io:leases other", "kube-system"), false),
                cluster("system:kube-controller-manager", "list apps:deployments", true),
                cluster("system:kube-controller-manager", "create pods", false),
                cluster("system:node-proxier", "watch discovery.k8s.io:endpointslices", true),
                ns("system:node", "get secrets", true),
                cluster("system:node", "create nodes/token n1", true),
                ns("system:node", "create pods/binding", false),
                cluster("system:node-bootstrapper", "create nodes/token n1", true),
                cluster("system:node-bootstrapper", "create certificates.k8s.io:certificatesigningrequests", true),
                cluster("system:node-bootstrapper", "get nodes n1", false),
                cluster("system:auth-delegator", "create authentication.k8s.io:tokenreviews", true),
                cluster("system:berth-gateway", "watch secrets", true),
                cluster("system:berth-gateway", "list rbac.authorization.k8s.io:clusterroles", true),
                cluster("system:berth-gateway", "create secrets", false),
                cluster("system:berth-simulator", "create nodes", true),
                cluster("system:berth-simulator", "update nodes/status n1", true),
                ns("system:berth-simulator", "create coordination.k8s.io:leases", true),
                ns("system:berth-simulator", "delete pods", true),
                ns("system:berth-simulator", "patch pods/status", true),
                ns("system:berth-simulator", "create serviceaccounts/token", true),
                ns("system:berth-simulator", "list secrets", true),
                ns("system:berth-simulator", "create pods", false),
                ns("system:berth-simulator", "update secrets", false),
                ns("system:berth-controller-manager", "create pods", true),
                cluster("system:berth-controller-manager", "delete namespaces", true),
                cluster("system:berth-controller-manager", "update namespaces/finalize", true),
                cluster("admin", "update namespaces/finalize", false),
                ns("system:berth-controller-manager", "create discovery.k8s.io:endpointslices", true),
                ns("system:berth-controller-manager", "update apps:deployments/status", true),
                ns("system:berth-controller-manager", "create secrets", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grants")
    void grants_what_kubernetes_grants(Grant g) {
        List<PolicyRule> rules = RESOLVER.clusterRoleRules(g.role());
        assertThat(rules).as("rules of %s", g.role()).isNotEmpty();
        assertThat(rules.stream().anyMatch(r -> Rules.allows(r, g.attributes()))).isEqualTo(g.allowed());
    }

    @Test
    void a_namespace_admin_is_admin_in_that_namespace_only() {
        InMemoryRbacObjects objects = InMemoryRbacObjects.bootstrap()
                .put(roleBinding("team", "admins", ref("ClusterRole", "admin"), userSubject("tester")));
        RbacAuthorizer rbac = new RbacAuthorizer(new RuleResolver(objects));

        assertThat(rbac.authorize(attributes("create pods/exec x", "team")).allowed()).isTrue();
        assertThat(rbac.authorize(attributes("update rbac.authorization.k8s.io:rolebindings x", "team")).allowed())
                .isTrue();
        assertThat(rbac.authorize(attributes("create pods/exec x", "other")).allowed()).isFalse();
        assertThat(rbac.authorize(attributes("update resourcequotas q", "team")).allowed()).isFalse();
    }

    @Test
    void admin_includes_edit_and_edit_includes_view() {
        List<PolicyRule> admin = RESOLVER.clusterRoleRules("admin");
        List<PolicyRule> edit = RESOLVER.clusterRoleRules("edit");

        assertThat(Rules.uncovered(admin, edit)).isEmpty();
        assertThat(Rules.uncovered(edit, RESOLVER.clusterRoleRules("view"))).isEmpty();
        assertThat(Rules.uncovered(edit, admin)).isNotEmpty();
    }

    @Test
    void the_default_bindings_admit_the_system_users_and_groups() {
        RbacAuthorizer rbac = new RbacAuthorizer(RESOLVER);
        UserInfo anonymous = user("system:anonymous", "system:unauthenticated");
        UserInfo someone = user("someone", "system:authenticated");

        assertThat(rbac.authorize(Attributes.nonResource(anonymous, "get", "/healthz")).allowed()).isTrue();
        assertThat(rbac.authorize(Attributes.nonResource(anonymous, "get", "/api")).allowed()).isFalse();
        assertThat(rbac.authorize(Attributes.nonResource(someone, "get", "/api")).allowed()).isTrue();
        assertThat(rbac.authorize(Attributes.resource(user("system:kube-controller-manager"), "create", "", "pods", "",
                "a", "")).allowed()).isTrue();
        assertThat(rbac.authorize(Attributes.resource(user("system:berth-gateway"), "list", "", "secrets", "",
                "", "")).allowed()).isTrue();
        assertThat(rbac.authorize(Attributes.resource(user("system:berth-simulator"), "create", "", "nodes", "",
                "", "")).allowed()).isTrue();
        assertThat(rbac.authorize(Attributes.resource(user("system:kube-proxy"), "watch", "discovery.k8s.io",
                "endpointslices", "", "", "")).allowed()).isTrue();
        assertThat(rbac.authorize(Attributes.resource(user("system:kube-scheduler"), "get", "", "configmaps", "",
                "kube-system", "extension-apiserver-authentication")).allowed()).isTrue();
    }

    @Test
    void nodes_are_not_authorized_by_rbac() {
        UserInfo node = user("system:node:n1", "system:nodes", "system:authenticated");
        RbacAuthorizer rbac = new RbacAuthorizer(RESOLVER);

        assertThat(rbac.authorize(Attributes.resource(node, "get", "", "secrets", "", "a", "s")).allowed()).isFalse();
        assertThat(BootstrapPolicy.clusterRoleBindings()).filteredOn(b -> b.getRoleRef().getName().equals("system:node"))
                .allSatisfy(b -> assertThat(b.getSubjects()).isEmpty());
    }

    @Test
    void the_berth_controller_manager_grants_exactly_what_the_controller_roles_grant_together() {
        List<PolicyRule> union = new ArrayList<>();
        BootstrapPolicy.clusterRoles().stream()
                .filter(r -> r.getMetadata().getName().startsWith("system:controller:"))
                .forEach(r -> union.addAll(r.getRules()));
        List<PolicyRule> berth = RESOLVER.clusterRoleRules("system:berth-controller-manager");

        assertThat(union).hasSizeGreaterThan(20);
        assertThat(Rules.uncovered(berth, union)).isEmpty();
        assertThat(Rules.uncovered(union, berth)).isEmpty();
    }

    @Test
    void berth_adds_node_credentials_to_kubernetes_node_roles_and_keeps_theirs() {
        PolicyRule csr = rule("create,get,list,watch", "certificates.k8s.io", "certificatesigningrequests");
        PolicyRule token = rule("create", "", "nodes/token");

        assertThat(RESOLVER.clusterRoleRules("system:node-bootstrapper")).containsExactly(csr, token);
        assertThat(RESOLVER.clusterRoleRules("system:node")).contains(csr).endsWith(token).hasSize(23);
    }

    @Test
    void every_object_is_labelled_and_annotated_as_a_default() {
        assertThat(all()).isNotEmpty().allSatisfy(o -> {
            assertThat(o.getMetadata().getLabels()).containsEntry("kubernetes.io/bootstrapping", "rbac-defaults");
            assertThat(o.getMetadata().getAnnotations())
                    .containsEntry("rbac.authorization.kubernetes.io/autoupdate", "true");
        });
    }

    @Test
    void names_are_unique_per_kind_and_namespace() {
        List<String> keys = all().stream().map(o -> o.getKind() + "/" + o.getMetadata().getNamespace() + "/"
                + o.getMetadata().getName()).toList();
        assertThat(keys).doesNotHaveDuplicates();
    }

    @Test
    void every_binding_refers_to_a_role_that_exists() {
        InMemoryRbacObjects objects = InMemoryRbacObjects.bootstrap();
        assertThat(BootstrapPolicy.clusterRoleBindings()).allSatisfy(b ->
                assertThat(objects.clusterRole(b.getRoleRef().getName())).as(b.getMetadata().getName()).isNotNull());
        assertThat(BootstrapPolicy.roleBindings()).allSatisfy(b -> {
            String ns = b.getMetadata().getNamespace();
            assertThat(b.getRoleRef().getKind().equals("Role")
                    ? objects.role(ns, b.getRoleRef().getName()) : objects.clusterRole(b.getRoleRef().getName()))
                    .as(ns + "/" + b.getMetadata().getName()).isNotNull();
        });
    }

    @Test
    void the_kubernetes_defaults_are_all_there() {
        assertThat(BootstrapPolicy.clusterRoles()).extracting(r -> r.getMetadata().getName()).contains(
                "cluster-admin", "admin", "edit", "view", "system:aggregate-to-admin", "system:aggregate-to-edit",
                "system:aggregate-to-view", "system:basic-user", "system:discovery", "system:public-info-viewer",
                "system:kube-scheduler", "system:kube-controller-manager", "system:node-proxier", "system:node",
                "system:node-bootstrapper", "system:service-account-issuer-discovery", "system:auth-delegator",
                "system:monitoring", "system:heapster", "system:volume-scheduler");
        assertThat(BootstrapPolicy.clusterRoleBindings()).hasSize(16);
        assertThat(BootstrapPolicy.roles()).hasSize(7);
        assertThat(BootstrapPolicy.roleBindings()).hasSize(7);
    }

    @Test
    void each_call_returns_objects_the_caller_may_change() {
        ClusterRole first = BootstrapPolicy.clusterRoles().get(0);
        first.getMetadata().setName("changed");
        first.setRules(List.of());

        ClusterRole again = BootstrapPolicy.clusterRoles().get(0);
        assertThat(again.getMetadata().getName()).isEqualTo("admin");
        assertThat(again.getAggregationRule()).isNotNull();
    }

    private static List<HasMetadata> all() {
        List<HasMetadata> all = new ArrayList<>();
        all.addAll(BootstrapPolicy.clusterRoles());
        all.addAll(BootstrapPolicy.clusterRoleBindings());
        all.addAll(BootstrapPolicy.roles());
        all.addAll(BootstrapPolicy.roleBindings());
        return all;
    }
}
