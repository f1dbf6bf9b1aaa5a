package io.berth.apiserver.authz;

import io.berth.apimachinery.auth.UserInfo;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The escalation refusal's wording: Kubernetes' CompactRules and CompactString, Go's %q. */
class NotHeldTest {

    record Case(String description, UserInfo user, List<PolicyRule> missing, String message) {
        @Override
        public String toString() {
            return description;
        }
    }

    static PolicyRule atomic(String group, String resource, String verb) {
        return new PolicyRuleBuilder().withApiGroups(group).withResources(resource).withVerbs(verb).build();
    }

    static Stream<Case> cases() {
        UserInfo alice = UserInfo.of("alice", "", List.of("dev", "system:authenticated"));
        String head = "user \"alice\" (groups=[\"dev\" \"system:authenticated\"]) is attempting to grant RBAC"
                + " permissions not currently held:\n";
        return Stream.of(
                new Case("verbs of one resource are merged in the order they came", alice,
                        List.of(atomic("", "pods", "get"), atomic("", "pods", "create")),
                        head + "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"get\" \"create\"]}"),
                new Case("lines are sorted", alice,
                        List.of(atomic("apps", "deployments", "get"), atomic("", "secrets", "get"),
                                atomic("", "pods", "get")),
                        head + "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"get\"]}\n"
                                + "{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\"]}\n"
                                + "{APIGroups:[\"apps\"], Resources:[\"deployments\"], Verbs:[\"get\"]}"),
                new Case("rules with names are printed with them, not merged", alice,
                        List.of(new PolicyRuleBuilder().withApiGroups("").withResources("secrets")
                                .withResourceNames("token").withVerbs("get").build(),
                                new PolicyRuleBuilder().withApiGroups("").withResources("secrets")
                                        .withResourceNames("token").withVerbs("get").build()),
                        head + "{APIGroups:[\"\"], Resources:[\"secrets\"], ResourceNames:[\"token\"],"
                                + " Verbs:[\"get\"]}"),
                new Case("non-resource URLs", alice,
                        List.of(new PolicyRuleBuilder().withNonResourceURLs("/metrics").withVerbs("get").build()),
                        head + "{NonResourceURLs:[\"/metrics\"], Verbs:[\"get\"]}"),
                new Case("names are quoted as Go quotes them", UserInfo.of("eve \"x\"", "", List.of()),
                        List.of(atomic("", "pods", "get")),
                        "user \"eve \\\"x\\\"\" (groups=[]) is attempting to grant RBAC permissions not currently"
                                + " held:\n{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"get\"]}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theMessageReadsAsKubernetesWritesIt(Case c) {
        assertThat(NotHeld.message(c.user(), c.missing())).isEqualTo(c.message());
    }
}
