package io.berth.apimachinery.rbac;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.berth.apimachinery.rbac.Fixtures.named;
import static io.berth.apimachinery.rbac.Fixtures.rule;
import static io.berth.apimachinery.rbac.Fixtures.urls;
import static org.assertj.core.api.Assertions.assertThat;

/** Cases after Kubernetes' policy_comparator_test.go. */
class RulesUncoveredTest {

    record Case(String description, List<PolicyRule> owner, List<PolicyRule> requested, List<PolicyRule> uncovered) {
        @Override
        public String toString() {
            return description;
        }
    }

    private static PolicyRule noNames(PolicyRule r) {
        r.setResourceNames(new ArrayList<>());
        r.setNonResourceURLs(new ArrayList<>());
        return r;
    }

    // the atomic rules uncovered() reports carry empty, not null, lists
    private static PolicyRule atomic(String verb, String group, String resource) {
        return noNames(rule(verb, group, resource));
    }

    private static PolicyRule atomicNamed(String verb, String group, String resource, String name) {
        PolicyRule r = named(verb, group, resource, name);
        r.setNonResourceURLs(new ArrayList<>());
        return r;
    }

    private static PolicyRule atomicUrl(String verb, String url) {
        PolicyRule r = urls(verb, url);
        r.setApiGroups(new ArrayList<>());
        r.setResources(new ArrayList<>());
        r.setResourceNames(new ArrayList<>());
        return r;
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("an exact match is covered", List.of(rule("get", "", "builds")),
                        List.of(rule("get", "", "builds")), List.of()),
                new Case("nothing requested is covered", List.of(), List.of(), List.of()),
                new Case("a verb the owner lacks is not", List.of(rule("get", "", "builds")),
                        List.of(rule("create", "", "builds")), List.of(atomic("create", "", "builds"))),
                new Case("the owner's * verb covers every verb", List.of(rule("*", "", "builds")),
                        List.of(rule("create,escalate", "", "builds")), List.of()),
                new Case("the owner's * group covers every group", List.of(rule("get", "*", "builds")),
                        List.of(rule("get", "apps,batch", "builds")), List.of()),
                new Case("the owner's * resource covers subresources", List.of(rule("get", "", "*")),
                        List.of(rule("get", "", "pods/status")), List.of()),
                new Case("a resource does not cover its subresource", List.of(rule("update", "", "pods")),
                        List.of(rule("update", "", "pods/status")), List.of(atomic("update", "", "pods/status"))),
                new Case("*/scale covers every scale subresource", List.of(rule("get", "*", "*/scale")),
                        List.of(rule("get", "apps", "deployments/scale,statefulsets/scale")), List.of()),
                new Case("*/scale does not cover the resource", List.of(rule("get", "*", "*/scale")),
                        List.of(rule("get", "apps", "deployments")), List.of(atomic("get", "apps", "deployments"))),
                new Case("an owner without names covers any names", List.of(rule("get", "", "secrets")),
                        List.of(named("get", "", "secrets", "a,b")), List.of()),
                new Case("an owner with names does not cover all names", List.of(named("get", "", "secrets", "a")),
                        List.of(rule("get", "", "secrets")), List.of(atomic("get", "", "secrets"))),
                new Case("an owner's names cover the same names", List.of(named("get", "", "secrets", "a,b")),
                        List.of(named("get", "", "secrets", "b")), List.of()),
                new Case("names beyond the owner's are not covered", List.of(named("get", "", "secrets", "a")),
                        List.of(named("get", "", "secrets", "a,c")), List.of(atomicNamed("get", "", "secrets", "c"))),
                new Case("each atomic rule may be covered by a different owner rule",
                        List.of(rule("get", "", "pods"), rule("list", "", "pods")),
                        List.of(rule("get,list", "", "pods")), List.of()),
                new Case("uncovered rules are broken down by group, resource, then verb",
                        List.of(rule("get", "", "pods,services")), List.of(rule("get,list", "", "pods,services")),
                        List.of(atomic("list", "", "pods"), atomic("list", "", "services"))),
                new Case("an exact URL is covered", List.of(urls("get", "/healthz")),
                        List.of(urls("get", "/healthz")), List.of()),
                new Case("a URL prefix covers the paths under it", List.of(urls("get", "/api/*")),
                        List.of(urls("get", "/api/v1,/api/v1/pods")), List.of()),
                new Case("a URL prefix does not cover other paths", List.of(urls("get", "/api/*")),
                        List.of(urls("get", "/apis")), List.of(atomicUrl("get", "/apis"))),
                new Case("the URL * covers every path", List.of(urls("*", "*")),
                        List.of(urls("get,post", "/metrics")), List.of()),
                new Case("resource rules do not cover URLs", List.of(rule("*", "*", "*")),
                        List.of(urls("get", "/metrics")), List.of(atomicUrl("get", "/metrics"))),
                new Case("URL rules do not cover resources", List.of(urls("*", "*")),
                        List.of(rule("get", "", "pods")), List.of(atomic("get", "", "pods"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reports_what_the_owner_does_not_hold(Case c) {
        assertThat(Rules.uncovered(c.owner(), c.requested())).isEqualTo(c.uncovered());
    }
}
