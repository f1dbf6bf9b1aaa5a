package io.berth.apiserver.authz;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apiserver.auth.Requester;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.berth.apiserver.authz.Policy.RBAC;
import static io.berth.apiserver.authz.Policy.aggregating;
import static io.berth.apiserver.authz.Policy.clusterRole;
import static io.berth.apiserver.authz.Policy.clusterRoleBinding;
import static io.berth.apiserver.authz.Policy.labelled;
import static io.berth.apiserver.authz.Policy.role;
import static io.berth.apiserver.authz.Policy.roleBinding;
import static io.berth.apiserver.authz.Policy.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Escalation prevention, one row per rule of Kubernetes' policy-based RBAC storage, over a fixed policy:
 * alice reads pods and deploys in namespace team; carol may bind pod-admin in team; dave may escalate roles; erin
 * administers pods cluster-wide; bob holds every permission through RBAC (not system:masters).
 */
class EscalationTest {

    static final ResourceType ROLES = Policy.REGISTRY.find(RBAC, "v1", "roles").orElseThrow();
    static final ResourceType CLUSTER_ROLES = Policy.REGISTRY.find(RBAC, "v1", "clusterroles").orElseThrow();
    static final ResourceType ROLE_BINDINGS = Policy.REGISTRY.find(RBAC, "v1", "rolebindings").orElseThrow();
    static final ResourceType CLUSTER_ROLE_BINDINGS = Policy.REGISTRY.find(RBAC, "v1", "clusterrolebindings")
            .orElseThrow();
    static final ResourceType CONFIGMAPS = Policy.REGISTRY.find("", "v1", "configmaps").orElseThrow();

    static final UserInfo ALICE = UserInfo.of("alice", "", List.of("team-members", "system:authenticated"));
    static final UserInfo BOB = UserInfo.of("bob", "", List.of("system:authenticated"));
    static final UserInfo CAROL = UserInfo.of("carol", "", List.of("system:authenticated"));
    static final UserInfo DAVE = UserInfo.of("dave", "", List.of("system:authenticated"));
    static final UserInfo ERIN = UserInfo.of("erin", "", List.of("system:authenticated"));
    static final UserInfo ADMIN = UserInfo.of("admin", "", List.of("system:masters", "system:authenticated"));

    static final Policy POLICY = new Policy().add(
            clusterRole("pod-reader", rule("", "pods", "get", "list", "watch")),
            clusterRole("pod-admin", rule("", "pods", "*")),
            clusterRole("everything", rule("*", "*", "*"),
                    new PolicyRuleBuilder().withNonResourceURLs("*").withVerbs("*").build()),
            clusterRole("pod-admin-binder", new PolicyRuleBuilder().withApiGroups(RBAC).withResources("clusterroles")
                    .withVerbs("bind").withResourceNames("pod-admin").build()),
            clusterRole("role-escalator", rule(RBAC, "roles", "escalate")),
            aggregating("aggregated", Map.of("aggregate-to", "aggregated")),
            labelled("aggregated-part", Map.of("aggregate-to", "aggregated"), rule("", "configmaps", "get")),
            role("team", "deployer", rule("apps", "deployments", "create", "update")),
            roleBinding("team", "alice-reads", "ClusterRole", "pod-reader", "alice"),
            roleBinding("team", "alice-deploys", "Role", "deployer", "alice"),
            roleBinding("team", "carol-binds", "ClusterRole", "pod-admin-binder", "carol"),
            clusterRoleBinding("dave-escalates", "role-escalator", "dave"),
            clusterRoleBinding("erin-pods", "pod-admin", "erin"),
            clusterRoleBinding("bob-everything", "everything", "bob"));

    /** One write: who, what, and the expected refusal ({@code null}: allowed). */
    record Case(String description, Requester who, ResourceType type, String requestName, HasMetadata obj,
                HasMetadata old, int code, String refusal) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Case allowed(String description, UserInfo user, ResourceType type, HasMetadata obj) {
        return new Case(description, Requester.of(user), type, "", obj, null, 0, null);
    }

    static Case refused(String description, UserInfo user, ResourceType type, HasMetadata obj, String refusal) {
        return new Case(description, Requester.of(user), type, "", obj, null, 403, refusal);
    }

    static Stream<Case> cases() {
        String aliceNotHeld = "user \"alice\" (groups=[\"team-members\" \"system:authenticated\"]) is attempting to"
                + " grant RBAC permissions not currently held:\n";
        ClusterRole podAdmin = POLICY.clusterRole("pod-admin");
        ClusterRole owned = new ClusterRoleBuilder(podAdmin).editMetadata().addNewOwnerReference().withApiVersion("v1")
                .withKind("ConfigMap").withName("owner").withUid("u").endOwnerReference()
                .addToFinalizers("example.com/keep").endMetadata().build();
        return Stream.of(
                allowed("a user creates a role with rules they hold in its namespace", ALICE, ROLES,
                        role("team", "r", rule("", "pods", "get", "watch"))),
                refused("a user may not create a role with rules they lack", ALICE, ROLES,
                        role("team", "r", rule("", "pods", "get", "create", "delete")),
                        "roles.rbac.authorization.k8s.io \"r\" is forbidden: " + aliceNotHeld
                                + "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"create\" \"delete\"]}"),
                refused("rules held in one namespace do not count in another", ALICE, ROLES,
                        role("prod", "r", rule("", "pods", "get")),
                        "roles.rbac.authorization.k8s.io \"r\" is forbidden: " + aliceNotHeld
                                + "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"get\"]}"),
                refused("a ClusterRole needs the rules cluster-wide", ALICE, CLUSTER_ROLES,
                        clusterRole("c", rule("", "pods", "get"), rule("apps", "deployments", "create")),
                        "clusterroles.rbac.authorization.k8s.io \"c\" is forbidden: " + aliceNotHeld
                                + "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"get\"]}\n"
                                + "{APIGroups:[\"apps\"], Resources:[\"deployments\"], Verbs:[\"create\"]}"),
                allowed("a user with every permission through RBAC creates any ClusterRole", BOB, CLUSTER_ROLES,
                        clusterRole("c", rule("*", "*", "*"))),
                allowed("an aggregationRule is for users with full authority", BOB, CLUSTER_ROLES,
                        aggregating("c", Map.of("a", "b"))),
                refused("an aggregationRule needs full authority, not just the rules", ERIN, CLUSTER_ROLES,
                        aggregating("c", Map.of("a", "b")), "clusterroles.rbac.authorization.k8s.io \"c\" is"
                                + " forbidden: must have cluster-admin privileges to use the aggregationRule"),
                new Case("removing an aggregationRule needs full authority too", Requester.of(ERIN), CLUSTER_ROLES,
                        "c", clusterRole("c"), aggregating("c", Map.of("a", "b")), 403,
                        "clusterroles.rbac.authorization.k8s.io \"c\" is forbidden: must have cluster-admin"
                                + " privileges to use the aggregationRule"),
                allowed("the verb escalate on roles waives the check", DAVE, ROLES,
                        role("team", "r", rule("", "secrets", "*"))),
                refused("escalate on roles does not cover clusterroles", DAVE, CLUSTER_ROLES,
                        clusterRole("c", rule("", "secrets", "get")), "clusterroles.rbac.authorization.k8s.io \"c\""
                                + " is forbidden: user \"dave\" (groups=[\"system:authenticated\"]) is attempting to"
                                + " grant RBAC permissions not currently held:\n"
                                + "{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\"]}"),
                allowed("system:masters is never checked", ADMIN, CLUSTER_ROLES, clusterRole("c", rule("*", "*", "*"))),
                new Case("the gateway's own connection is never checked", Requester.internal(
                        UserInfo.of("system:berth-gateway", "", List.of("system:authenticated"))), CLUSTER_ROLES, "",
                        clusterRole("c", rule("*", "*", "*")), null, 0, null),
                new Case("a user named like the gateway is checked", Requester.of(
                        UserInfo.of("system:berth-gateway", "", List.of())), CLUSTER_ROLES, "",
                        clusterRole("c", rule("", "pods", "get")), null, 403,
                        "clusterroles.rbac.authorization.k8s.io \"c\" is forbidden: user \"system:berth-gateway\""
                                + " (groups=[]) is attempting to grant RBAC permissions not currently held:\n"
                                + "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"get\"]}"),
                new Case("changing only ownerReferences and finalizers is not checked", Requester.of(ALICE),
                        CLUSTER_ROLES, "pod-admin", owned, podAdmin, 0, null),
                new Case("an update is checked like a create", Requester.of(ALICE), CLUSTER_ROLES, "pod-admin",
                        clusterRole("pod-admin", rule("", "pods", "*"), rule("", "secrets", "list")), podAdmin, 403,
                        "clusterroles.rbac.authorization.k8s.io \"pod-admin\" is forbidden: " + aliceNotHeld
                                + "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"*\"]}\n"
                                + "{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"list\"]}"),

                allowed("a user binds a ClusterRole whose rules they hold in the namespace", ALICE, ROLE_BINDINGS,
                        roleBinding("team", "b", "ClusterRole", "pod-reader", "frank")),
                allowed("a user binds a Role whose rules they hold", ALICE, ROLE_BINDINGS,
                        roleBinding("team", "b", "Role", "deployer", "frank")),
                refused("a user may not bind a role with rules they lack", ALICE, ROLE_BINDINGS,
                        roleBinding("team", "b", "ClusterRole", "pod-admin", "frank"),
                        "rolebindings.rbac.authorization.k8s.io \"b\" is forbidden: " + aliceNotHeld
                                + "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"*\"]}"),
                refused("binding an aggregated role needs the aggregated rules", ALICE, ROLE_BINDINGS,
                        roleBinding("team", "b", "ClusterRole", "aggregated", "frank"),
                        "rolebindings.rbac.authorization.k8s.io \"b\" is forbidden: " + aliceNotHeld
                                + "{APIGroups:[\"\"], Resources:[\"configmaps\"], Verbs:[\"get\"]}"),
                allowed("the verb bind on the role waives the check", CAROL, ROLE_BINDINGS,
                        roleBinding("team", "b", "ClusterRole", "pod-admin", "frank")),
                refused("bind granted in one namespace does not count in another", CAROL, ROLE_BINDINGS,
                        roleBinding("prod", "b", "ClusterRole", "pod-admin", "frank"),
                        "rolebindings.rbac.authorization.k8s.io \"b\" is forbidden: user \"carol\""
                                + " (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not"
                                + " currently held:\n{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"*\"]}"),
                refused("a ClusterRoleBinding needs the rules cluster-wide", ALICE, CLUSTER_ROLE_BINDINGS,
                        clusterRoleBinding("b", "pod-reader", "frank"),
                        "clusterrolebindings.rbac.authorization.k8s.io \"b\" is forbidden: " + aliceNotHeld
                                + "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"get\" \"list\" \"watch\"]}"),
                allowed("a user with every permission binds any role", BOB, CLUSTER_ROLE_BINDINGS,
                        clusterRoleBinding("b", "aggregated", "frank")),
                new Case("binding a missing role is 404", Requester.of(ALICE), ROLE_BINDINGS, "",
                        roleBinding("team", "b", "ClusterRole", "nope", "frank"), null, 404,
                        "clusterroles.rbac.authorization.k8s.io \"nope\" not found"),
                allowed("other kinds are not checked", ALICE, CONFIGMAPS,
                        new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withNamespace("prod")
                                .withName("c").endMetadata().build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void escalationIsPreventedAsInKubernetes(Case c) {
        Escalation escalation = new Escalation(POLICY.authorization(), Policy.REGISTRY);

        Runnable check = () -> escalation.check(c.who(), c.type(), c.requestName(), c.obj(), c.old());

        if (c.refusal() == null) {
            assertThatCode(check::run).doesNotThrowAnyException();
        } else {
            ApiException e = catchThrowableOfType(ApiException.class, check::run);
            assertThat(e).as("refused").isNotNull();
            assertThat(e.code()).isEqualTo(c.code());
            assertThat(e.getMessage()).isEqualTo(c.refusal());
        }
    }
}
