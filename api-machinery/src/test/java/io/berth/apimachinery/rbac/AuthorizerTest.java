package io.berth.apimachinery.rbac;

import io.berth.apimachinery.request.RequestInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static io.berth.apimachinery.rbac.Fixtures.clusterBinding;
import static io.berth.apimachinery.rbac.Fixtures.clusterRole;
import static io.berth.apimachinery.rbac.Fixtures.groupSubject;
import static io.berth.apimachinery.rbac.Fixtures.ref;
import static io.berth.apimachinery.rbac.Fixtures.role;
import static io.berth.apimachinery.rbac.Fixtures.roleBinding;
import static io.berth.apimachinery.rbac.Fixtures.rule;
import static io.berth.apimachinery.rbac.Fixtures.serviceAccount;
import static io.berth.apimachinery.rbac.Fixtures.urls;
import static io.berth.apimachinery.rbac.Fixtures.user;
import static io.berth.apimachinery.rbac.Fixtures.userSubject;
import static org.assertj.core.api.Assertions.assertThat;

class AuthorizerTest {

    private final InMemoryRbacObjects objects = new InMemoryRbacObjects()
            .put(clusterRole("reader", rule("get,list,watch", "", "pods")))
            .put(clusterRole("health", urls("get", "/healthz,/healthz/*")))
            .put(role("a", "config-editor", rule("create,update", "", "configmaps")))
            .put(clusterBinding("readers", ref("ClusterRole", "reader"), userSubject("alice")))
            .put(clusterBinding("probes", ref("ClusterRole", "health"), groupSubject("system:authenticated")))
            .put(roleBinding("a", "editors", ref("Role", "config-editor"), groupSubject("devs"),
                    serviceAccount(null, "ci")));
    private final RbacAuthorizer rbac = new RbacAuthorizer(new RuleResolver(objects));

    record Decided(String description, Attributes attributes, AuthorizationResult result) {
        @Override
        public String toString() {
            return description;
        }
    }

    private static Attributes request(String userName, String method, String path, String... groups) {
        return Attributes.of(user(userName, groups), RequestInfo.parse(method, path, null));
    }

    static Stream<Decided> rbacDecisions() {
        return Stream.of(
                new Decided("a cluster role binding allows, naming itself",
                        request("alice", "GET", "/api/v1/namespaces/a/pods/p"),
                        AuthorizationResult.allow("RBAC: allowed by ClusterRoleBinding \"readers\" of ClusterRole"
                                + " \"reader\" to User \"alice\"")),
                new Decided("a role binding allows in its namespace, naming itself",
                        request("bob", "POST", "/api/v1/namespaces/a/configmaps", "devs"),
                        AuthorizationResult.allow("RBAC: allowed by RoleBinding \"editors/a\" of Role"
                                + " \"config-editor\" to Group \"devs\"")),
                new Decided("a service account of the binding's namespace is named with it",
                        request("system:serviceaccount:a:ci", "PUT", "/api/v1/namespaces/a/configmaps/c"),
                        AuthorizationResult.allow("RBAC: allowed by RoleBinding \"editors/a\" of Role"
                                + " \"config-editor\" to ServiceAccount \"ci/a\"")),
                new Decided("a role binding does not reach another namespace",
                        request("bob", "POST", "/api/v1/namespaces/b/configmaps", "devs"),
                        AuthorizationResult.noOpinion("")),
                new Decided("a non-resource path is allowed by a URL rule",
                        request("carol", "GET", "/healthz/etcd", "system:authenticated"),
                        AuthorizationResult.allow("RBAC: allowed by ClusterRoleBinding \"probes\" of ClusterRole"
                                + " \"health\" to Group \"system:authenticated\"")),
                new Decided("no matching rule is no opinion without a reason",
                        request("alice", "DELETE", "/api/v1/namespaces/a/pods/p"),
                        AuthorizationResult.noOpinion("")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rbacDecisions")
    void rbac_decides_and_explains_like_kubernetes(Decided c) {
        assertThat(rbac.authorize(c.attributes())).isEqualTo(c.result());
    }

    @Test
    void rbac_reports_missing_roles_as_the_reason() {
        objects.put(clusterBinding("ghosts", ref("ClusterRole", "missing"), userSubject("alice")));
        assertThat(rbac.authorize(request("alice", "DELETE", "/api/v1/namespaces/a/pods/p")))
                .isEqualTo(AuthorizationResult.noOpinion(
                        "RBAC: clusterrole.rbac.authorization.k8s.io \"missing\" not found"));

        objects.put(roleBinding("a", "gone", ref("Role", "gone"), userSubject("alice")));
        assertThat(rbac.authorize(request("alice", "DELETE", "/api/v1/namespaces/a/pods/p")).reason())
                .isEqualTo("RBAC: [clusterrole.rbac.authorization.k8s.io \"missing\" not found,"
                        + " role.rbac.authorization.k8s.io \"gone\" not found]");
    }

    @Test
    void rbac_allows_despite_missing_roles_when_another_rule_allows() {
        objects.put(clusterBinding("ghosts", ref("ClusterRole", "missing"), userSubject("alice")));
        assertThat(rbac.authorize(request("alice", "GET", "/api/v1/namespaces/a/pods/p")).allowed()).isTrue();
    }

    @Test
    void rbac_has_no_opinion_without_a_user() {
        assertThat(rbac.authorize(Attributes.nonResource(null, "get", "/healthz")))
                .isEqualTo(AuthorizationResult.noOpinion(""));
    }

    @Test
    void the_privileged_group_is_allowed_everything_and_others_are_left_to_the_next_authorizer() {
        Authorizer masters = new PrivilegedGroupAuthorizer(Set.of("system:masters"));

        assertThat(masters.authorize(request("root", "DELETE", "/api/v1/nodes/n", "system:masters")))
                .isEqualTo(AuthorizationResult.allow(""));
        assertThat(masters.authorize(request("alice", "DELETE", "/api/v1/nodes/n", "devs")))
                .isEqualTo(AuthorizationResult.noOpinion(""));
    }

    @Test
    void the_union_stops_at_the_first_allow_or_deny() {
        List<String> asked = new ArrayList<>();
        Authorizer union = new UnionAuthorizer(List.of(
                a -> answer(asked, "first", AuthorizationResult.noOpinion("")),
                a -> answer(asked, "second", AuthorizationResult.deny("node may not")),
                a -> answer(asked, "third", AuthorizationResult.allow(""))));

        assertThat(union.authorize(request("alice", "GET", "/api"))).isEqualTo(AuthorizationResult.deny("node may not"));
        assertThat(asked).containsExactly("first", "second");
    }

    @Test
    void the_union_has_no_opinion_when_no_authorizer_decides_and_joins_their_reasons() {
        Authorizer union = new UnionAuthorizer(List.of(
                a -> AuthorizationResult.noOpinion("node: not a node"),
                a -> AuthorizationResult.noOpinion(""),
                a -> AuthorizationResult.noOpinion("RBAC: role missing")));

        assertThat(union.authorize(request("alice", "GET", "/api")))
                .isEqualTo(AuthorizationResult.noOpinion("node: not a node\nRBAC: role missing"));
        assertThat(new UnionAuthorizer(List.of()).authorize(request("alice", "GET", "/api")).decision())
                .isEqualTo(Decision.NO_OPINION);
    }

    @Test
    void the_default_chain_lets_masters_through_and_leaves_others_to_rbac() {
        Authorizer chain = new UnionAuthorizer(List.of(new PrivilegedGroupAuthorizer(Set.of("system:masters")),
                a -> AuthorizationResult.noOpinion(""), rbac));

        assertThat(chain.authorize(request("root", "DELETE", "/api/v1/nodes/n", "system:masters")).allowed()).isTrue();
        assertThat(chain.authorize(request("alice", "GET", "/api/v1/namespaces/a/pods")).allowed()).isTrue();
        assertThat(chain.authorize(request("alice", "DELETE", "/api/v1/nodes/n")).allowed()).isFalse();
    }

    private static AuthorizationResult answer(List<String> asked, String name, AuthorizationResult result) {
        asked.add(name);
        return result;
    }
}
