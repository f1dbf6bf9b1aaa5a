package io.berth.apimachinery.rbac;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.berth.apimachinery.rbac.Fixtures.named;
import static io.berth.apimachinery.rbac.Fixtures.rule;
import static io.berth.apimachinery.rbac.Fixtures.urls;
import static io.berth.apimachinery.rbac.Fixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

class RulesAllowsTest {

    record Case(String description, PolicyRule rule, Attributes request, boolean allowed) {
        @Override
        public String toString() {
            return description;
        }
    }

    private static Attributes res(String verb, String group, String resource, String subresource, String name) {
        return Attributes.resource(user("alice"), verb, group, resource, subresource, "ns", name);
    }

    private static Attributes path(String verb, String path) {
        return Attributes.nonResource(user("alice"), verb, path);
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("a listed verb, group and resource allow", rule("get,list", "", "pods"),
                        res("get", "", "pods", "", "p"), true),
                new Case("a verb not listed does not", rule("get,list", "", "pods"),
                        res("delete", "", "pods", "", "p"), false),
                new Case("the verb * allows every verb, special ones too", rule("*", "", "pods"),
                        res("escalate", "", "pods", "", ""), true),
                new Case("a group not listed does not", rule("get", "", "deployments"),
                        res("get", "apps", "deployments", "", "d"), false),
                new Case("the group * allows every group", rule("get", "*", "deployments"),
                        res("get", "apps", "deployments", "", "d"), true),
                new Case("the core group is the empty string", rule("get", "", "pods"),
                        res("get", "", "pods", "", "p"), true),
                new Case("a resource not listed does not", rule("get", "", "pods"),
                        res("get", "", "services", "", "s"), false),
                new Case("the resource * allows every resource", rule("get", "", "*"),
                        res("get", "", "services", "", "s"), true),
                new Case("the resource * allows subresources", rule("update", "", "*"),
                        res("update", "", "pods", "status", "p"), true),
                new Case("a resource does not cover its subresources", rule("update", "", "pods"),
                        res("update", "", "pods", "status", "p"), false),
                new Case("a subresource is named with its resource", rule("update", "", "pods/status"),
                        res("update", "", "pods", "status", "p"), true),
                new Case("a subresource does not cover its resource", rule("update", "", "pods/status"),
                        res("update", "", "pods", "", "p"), false),
                new Case("a subresource of another resource does not", rule("update", "", "nodes/status"),
                        res("update", "", "pods", "status", "p"), false),
                new Case("*/scale allows the scale subresource of any resource", rule("get", "*", "*/scale"),
                        res("get", "apps", "deployments", "scale", "d"), true),
                new Case("*/scale does not allow the resource itself", rule("get", "*", "*/scale"),
                        res("get", "apps", "deployments", "", "d"), false),
                new Case("*/scale does not allow another subresource", rule("get", "*", "*/scale"),
                        res("get", "apps", "deployments", "status", "d"), false),
                new Case("*/scale does not allow a subresource ending in scale", rule("get", "*", "*/scale"),
                        res("get", "", "things", "rescale", "t"), false),
                new Case("pods/* is no pattern: it does not allow pods/exec", rule("create", "", "pods/*"),
                        res("create", "", "pods", "exec", "p"), false),
                new Case("a listed name allows get", named("get", "", "configmaps", "a,b"),
                        res("get", "", "configmaps", "", "b"), true),
                new Case("another name does not", named("get", "", "configmaps", "a,b"),
                        res("get", "", "configmaps", "", "c"), false),
                new Case("names never allow list, which has no name", named("list", "", "configmaps", "a"),
                        res("list", "", "configmaps", "", ""), false),
                new Case("names never allow create without a name", named("create", "", "configmaps", "a"),
                        res("create", "", "configmaps", "", ""), false),
                new Case("names apply to subresources too", named("update", "", "leases", "kube-scheduler"),
                        res("update", "", "leases", "", "kube-scheduler"), true),
                new Case("no names allow every name", rule("get", "", "configmaps"),
                        res("get", "", "configmaps", "", "anything"), true),
                new Case("a resource rule never allows a path", rule("*", "*", "*"),
                        path("get", "/healthz"), false),
                new Case("an exact URL allows that path", urls("get", "/healthz"), path("get", "/healthz"), true),
                new Case("an exact URL does not allow a longer path", urls("get", "/healthz"),
                        path("get", "/healthz/etcd"), false),
                new Case("a URL ending in * allows the paths under it", urls("get", "/healthz/*"),
                        path("get", "/healthz/etcd"), true),
                new Case("a URL ending in * does not allow the bare path", urls("get", "/healthz/*"),
                        path("get", "/healthz"), false),
                new Case("a URL ending in * is a plain prefix", urls("get", "/api*"), path("get", "/apis/apps"), true),
                new Case("the URL * allows every path", urls("get", "*"), path("get", "/anything/at/all"), true),
                new Case("non-resource verbs are HTTP methods", urls("get", "/metrics"), path("post", "/metrics"),
                        false),
                new Case("a URL rule never allows a resource", urls("*", "*"), res("get", "", "pods", "", "p"),
                        false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides_like_kubernetes(Case c) {
        assertThat(Rules.allows(c.rule(), c.request())).isEqualTo(c.allowed());
    }
}
