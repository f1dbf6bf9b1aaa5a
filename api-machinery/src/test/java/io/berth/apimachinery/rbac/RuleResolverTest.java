package io.berth.apimachinery.rbac;

import io.berth.apimachinery.auth.UserInfo;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.berth.apimachinery.rbac.Fixtures.aggregating;
import static io.berth.apimachinery.rbac.Fixtures.clusterBinding;
import static io.berth.apimachinery.rbac.Fixtures.clusterRole;
import static io.berth.apimachinery.rbac.Fixtures.groupSubject;
import static io.berth.apimachinery.rbac.Fixtures.ref;
import static io.berth.apimachinery.rbac.Fixtures.role;
import static io.berth.apimachinery.rbac.Fixtures.roleBinding;
import static io.berth.apimachinery.rbac.Fixtures.rule;
import static io.berth.apimachinery.rbac.Fixtures.serviceAccount;
import static io.berth.apimachinery.rbac.Fixtures.user;
import static io.berth.apimachinery.rbac.Fixtures.userSubject;
import static org.assertj.core.api.Assertions.assertThat;

class RuleResolverTest {

    private static final PolicyRule READ_PODS = rule("get,list,watch", "", "pods");
    private static final PolicyRule EDIT_CONFIGMAPS = rule("create,update", "", "configmaps");
    private static final String ADMIN_LABEL = "rbac.authorization.k8s.io/aggregate-to-admin";

    record Applies(String description, Subject subject, UserInfo user, String bindingNamespace, boolean applies) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Applies> subjects() {
        return Stream.of(
                new Applies("a User subject matches the user's name", userSubject("alice"), user("alice"), "", true),
                new Applies("a User subject does not match another name", userSubject("alice"), user("bob"), "",
                        false),
                new Applies("a User subject does not match a group of that name", userSubject("devs"),
                        user("alice", "devs"), "", false),
                new Applies("a Group subject matches a member", groupSubject("devs"), user("alice", "a", "devs"), "",
                        true),
                new Applies("a Group subject does not match a non-member", groupSubject("devs"), user("alice", "ops"),
                        "", false),
                new Applies("a ServiceAccount subject matches its user name", serviceAccount("ns1", "builder"),
                        user("system:serviceaccount:ns1:builder"), "", true),
                new Applies("a ServiceAccount subject does not match the same name elsewhere",
                        serviceAccount("ns1", "builder"), user("system:serviceaccount:ns2:builder"), "ns2", false),
                new Applies("a ServiceAccount without namespace is in the binding's namespace",
                        serviceAccount(null, "builder"), user("system:serviceaccount:ns1:builder"), "ns1", true),
                new Applies("a ServiceAccount without namespace matches nothing in a ClusterRoleBinding",
                        serviceAccount("", "builder"), user("system:serviceaccount::builder"), "", false),
                new Applies("a ServiceAccount subject does not match a user named like it", serviceAccount("ns1", "b"),
                        user("system:serviceaccount:ns1:bb"), "", false),
                new Applies("an unknown kind matches nothing",
                        new SubjectBuilder().withKind("Robot").withName("alice").build(), user("alice"), "", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("subjects")
    void applies_to_subjects_like_kubernetes(Applies c) {
        assertThat(RuleResolver.appliesTo(c.subject(), c.user(), c.bindingNamespace())).isEqualTo(c.applies());
    }

    @Test
    void a_cluster_role_binding_grants_its_rules_in_every_namespace_and_cluster_wide() {
        RuleResolver resolver = new RuleResolver(new InMemoryRbacObjects()
                .put(clusterRole("reader", READ_PODS))
                .put(clusterBinding("readers", ref("ClusterRole", "reader"), groupSubject("devs"))));

        assertThat(resolver.rulesFor(user("alice", "devs"), "a")).containsExactly(READ_PODS);
        assertThat(resolver.rulesFor(user("alice", "devs"), "")).containsExactly(READ_PODS);
        assertThat(resolver.rulesFor(user("bob"), "a")).isEmpty();
    }

    @Test
    void a_role_binding_to_a_cluster_role_grants_its_rules_in_its_namespace_only() {
        RuleResolver resolver = new RuleResolver(new InMemoryRbacObjects()
                .put(clusterRole("reader", READ_PODS))
                .put(roleBinding("a", "readers", ref("ClusterRole", "reader"), userSubject("alice"))));

        assertThat(resolver.rulesFor(user("alice"), "a")).containsExactly(READ_PODS);
        assertThat(resolver.rulesFor(user("alice"), "b")).isEmpty();
        assertThat(resolver.rulesFor(user("alice"), "")).isEmpty();
    }

    @Test
    void cluster_rules_come_before_namespaced_rules() {
        RuleResolver resolver = new RuleResolver(new InMemoryRbacObjects()
                .put(clusterRole("reader", READ_PODS))
                .put(role("a", "config-editor", EDIT_CONFIGMAPS))
                .put(roleBinding("a", "editors", ref("Role", "config-editor"), userSubject("alice")))
                .put(clusterBinding("readers", ref("ClusterRole", "reader"), userSubject("alice"))));

        assertThat(resolver.rulesFor(user("alice"), "a")).containsExactly(READ_PODS, EDIT_CONFIGMAPS);
    }

    @Test
    void sources_name_the_binding_the_role_and_the_subject_as_kubernetes_does() {
        RuleResolver resolver = new RuleResolver(new InMemoryRbacObjects()
                .put(clusterRole("reader", READ_PODS))
                .put(role("a", "config-editor", EDIT_CONFIGMAPS))
                .put(clusterBinding("readers", ref("ClusterRole", "reader"), userSubject("bob"), groupSubject("devs")))
                .put(roleBinding("a", "editors", ref("Role", "config-editor"), serviceAccount(null, "ci"))));

        assertThat(visit(resolver, user("system:serviceaccount:a:ci", "devs"), "a")).containsExactly(
                "ClusterRoleBinding \"readers\" of ClusterRole \"reader\" to Group \"devs\"",
                "RoleBinding \"editors/a\" of Role \"config-editor\" to ServiceAccount \"ci/a\"");
    }

    @Test
    void a_missing_role_is_reported_to_the_visitor_and_grants_nothing() {
        RuleResolver resolver = new RuleResolver(new InMemoryRbacObjects()
                .put(clusterBinding("ghosts", ref("ClusterRole", "missing"), userSubject("alice")))
                .put(roleBinding("a", "gone", ref("Role", "gone"), userSubject("alice")))
                .put(roleBinding("a", "odd", ref("Robot", "r2"), userSubject("alice"))));

        // bindings of one kind come in no particular order, as from Kubernetes' listers
        assertThat(visit(resolver, user("alice"), "a")).containsExactlyInAnyOrder(
                "error: clusterrole.rbac.authorization.k8s.io \"missing\" not found",
                "error: role.rbac.authorization.k8s.io \"gone\" not found",
                "error: unsupported role reference kind: \"Robot\"");
        assertThat(resolver.rulesFor(user("alice"), "a")).isEmpty();
    }

    @Test
    void a_cluster_role_binding_to_a_role_finds_no_role() {
        RuleResolver resolver = new RuleResolver(new InMemoryRbacObjects()
                .put(role("a", "config-editor", EDIT_CONFIGMAPS))
                .put(clusterBinding("odd", ref("Role", "config-editor"), userSubject("alice"))));

        assertThat(visit(resolver, user("alice"), "a"))
                .containsExactly("error: role.rbac.authorization.k8s.io \"config-editor\" not found");
    }

    @Test
    void the_visit_stops_when_the_visitor_says_so() {
        RuleResolver resolver = new RuleResolver(new InMemoryRbacObjects()
                .put(clusterRole("reader", READ_PODS, EDIT_CONFIGMAPS))
                .put(clusterBinding("readers", ref("ClusterRole", "reader"), userSubject("alice"))));
        List<PolicyRule> seen = new ArrayList<>();

        resolver.visitRulesFor(user("alice"), "", (source, rule, error) -> !seen.add(rule));

        assertThat(seen).containsExactly(READ_PODS);
    }

    @Test
    void an_aggregated_role_includes_its_own_rules_and_those_of_the_roles_it_selects() {
        InMemoryRbacObjects objects = new InMemoryRbacObjects()
                .put(aggregating("admin", Map.of(), ADMIN_LABEL, EDIT_CONFIGMAPS))
                .put(clusterRole("pod-reader", Map.of(ADMIN_LABEL, "true"), READ_PODS))
                .put(clusterRole("unlabelled", rule("delete", "", "nodes")));

        assertThat(new RuleResolver(objects).clusterRoleRules("admin")).containsExactly(EDIT_CONFIGMAPS, READ_PODS);
    }

    @Test
    void aggregation_follows_aggregated_roles_and_ends_on_cycles() {
        PolicyRule deleteNodes = rule("delete", "", "nodes");
        InMemoryRbacObjects objects = new InMemoryRbacObjects()
                .put(aggregating("admin", Map.of("to-view", "true"), "to-admin"))
                .put(aggregating("edit", Map.of("to-admin", "true"), "to-edit", EDIT_CONFIGMAPS))
                .put(aggregating("view", Map.of("to-edit", "true"), "to-view", READ_PODS, EDIT_CONFIGMAPS))
                .put(clusterRole("nodes", Map.of("to-view", "true"), deleteNodes));

        // admin → edit → view → {nodes, admin (a cycle: already counted)}; equal rules are listed once
        assertThat(new RuleResolver(objects).clusterRoleRules("admin"))
                .containsExactly(EDIT_CONFIGMAPS, READ_PODS, deleteNodes);
    }

    @Test
    void a_role_created_later_joins_the_aggregation_at_the_next_revision() {
        InMemoryRbacObjects objects = new InMemoryRbacObjects()
                .put(aggregating("admin", Map.of(), ADMIN_LABEL))
                .put(clusterBinding("admins", ref("ClusterRole", "admin"), userSubject("alice")));
        RuleResolver resolver = new RuleResolver(objects);
        assertThat(resolver.rulesFor(user("alice"), "")).isEmpty();

        objects.put(clusterRole("widgets", Map.of(ADMIN_LABEL, "true"), rule("*", "example.com", "widgets")));

        assertThat(resolver.rulesFor(user("alice"), "")).containsExactly(rule("*", "example.com", "widgets"));
    }

    @Test
    void aggregated_rules_are_cached_until_the_revision_changes() {
        ManualRevision objects = new ManualRevision(new InMemoryRbacObjects()
                .put(aggregating("admin", Map.of(), ADMIN_LABEL))
                .put(clusterRole("pod-reader", Map.of(ADMIN_LABEL, "true"), READ_PODS)));
        RuleResolver resolver = new RuleResolver(objects);
        assertThat(resolver.clusterRoleRules("admin")).containsExactly(READ_PODS);

        objects.delegate.put(clusterRole("config-editor", Map.of(ADMIN_LABEL, "true"), EDIT_CONFIGMAPS));
        assertThat(resolver.clusterRoleRules("admin")).containsExactly(READ_PODS);

        objects.revision++;
        assertThat(resolver.clusterRoleRules("admin")).containsExactly(EDIT_CONFIGMAPS, READ_PODS);
    }

    @Test
    void role_ref_rules_read_roles_from_the_binding_namespace_and_are_empty_when_absent() {
        RuleResolver resolver = new RuleResolver(new InMemoryRbacObjects()
                .put(role("a", "config-editor", EDIT_CONFIGMAPS))
                .put(clusterRole("reader", READ_PODS)));

        assertThat(resolver.roleRefRules("a", ref("Role", "config-editor"))).containsExactly(EDIT_CONFIGMAPS);
        assertThat(resolver.roleRefRules("b", ref("Role", "config-editor"))).isEmpty();
        assertThat(resolver.roleRefRules("", ref("ClusterRole", "reader"))).containsExactly(READ_PODS);
        assertThat(resolver.roleRefRules("", ref("ClusterRole", "missing"))).isEmpty();
        assertThat(resolver.clusterRoleRules("missing")).isEmpty();
    }

    private static List<String> visit(RuleResolver resolver, UserInfo user, String namespace) {
        List<String> seen = new ArrayList<>();
        resolver.visitRulesFor(user, namespace, (source, rule, error) -> {
            seen.add(error != null ? "error: " + error : source);
            return true;
        });
        return seen.stream().distinct().toList();
    }

    /** Objects whose revision only the test advances, to see what the resolver caches. */
    private static final class ManualRevision implements RbacObjects {
        final InMemoryRbacObjects delegate;
        long revision;

        ManualRevision(InMemoryRbacObjects delegate) {
            this.delegate = delegate;
        }

        @Override
        public ClusterRole clusterRole(String name) {
            return delegate.clusterRole(name);
        }

        @Override
        public Role role(String namespace, String name) {
            return delegate.role(namespace, name);
        }

        @Override
        public Collection<ClusterRole> clusterRoles() {
            return delegate.clusterRoles();
        }

        @Override
        public Collection<ClusterRoleBinding> clusterRoleBindings() {
            return delegate.clusterRoleBindings();
        }

        @Override
        public Collection<RoleBinding> roleBindings(String namespace) {
            return delegate.roleBindings(namespace);
        }

        @Override
        public long revision() {
            return revision;
        }
    }
}
