package io.berth.apimachinery.request;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RequestInfoTest {

    record Case(String method, String path, String watch, boolean resource, String verb, String group,
                String namespace, String resourceName, String name, String subresource) {
        @Override
        public String toString() {
            return method + " " + path + (watch == null ? "" : "?watch=" + watch) + " is " + verb;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("GET", "/api/v1/namespaces/ns/pods", null, true, "list", "", "ns", "pods", "", ""),
                new Case("GET", "/api/v1/namespaces/ns/pods", "true", true, "watch", "", "ns", "pods", "", ""),
                new Case("GET", "/api/v1/watch/namespaces/ns/pods", null, true, "watch", "", "ns", "pods", "", ""),
                new Case("GET", "/api/v1/namespaces/ns/pods/p", null, true, "get", "", "ns", "pods", "p", ""),
                new Case("PUT", "/api/v1/namespaces/ns/pods/p/status", null, true, "update", "", "ns", "pods", "p", "status"),
                new Case("POST", "/api/v1/namespaces/ns/pods/p/binding", null, true, "create", "", "ns", "pods", "p", "binding"),
                new Case("GET", "/api/v1/namespaces/ns/pods/p/log", null, true, "get", "", "ns", "pods", "p",
                        "log"),
                // the WebSocket handshake: get here, and the gateway asks for create as well (AuthorizationFilter)
                new Case("GET", "/api/v1/namespaces/ns/pods/p/exec", null, true, "get", "", "ns", "pods", "p",
                        "exec"),
                new Case("POST", "/api/v1/namespaces/ns/pods/p/exec", null, true, "create", "", "ns", "pods", "p",
                        "exec"),
                new Case("PATCH", "/apis/apps/v1/namespaces/ns/deployments/d/scale", null, true, "patch", "apps", "ns",
                        "deployments", "d", "scale"),
                new Case("DELETE", "/api/v1/namespaces/ns/configmaps", null, true, "deletecollection", "", "ns",
                        "configmaps", "", ""),
                new Case("DELETE", "/api/v1/namespaces/ns/configmaps/c", null, true, "delete", "", "ns", "configmaps", "c", ""),
                new Case("GET", "/api/v1/namespaces/ns", null, true, "get", "", "ns", "namespaces", "ns", ""),
                new Case("PUT", "/api/v1/namespaces/ns/status", null, true, "update", "", "ns", "namespaces", "ns", "status"),
                new Case("PUT", "/api/v1/namespaces/ns/finalize", null, true, "update", "", "ns", "namespaces", "ns",
                        "finalize"),
                new Case("GET", "/api/v1/namespaces", null, true, "list", "", "", "namespaces", "", ""),
                new Case("GET", "/api/v1/nodes/n1", null, true, "get", "", "", "nodes", "n1", ""),
                new Case("GET", "/api/v1/pods", null, true, "list", "", "", "pods", "", ""),
                new Case("GET", "/api", null, false, "get", "", "", "", "", ""),
                new Case("GET", "/apis/apps/v1", null, false, "get", "", "", "", "", ""),
                new Case("GET", "/healthz", null, false, "get", "", "", "", "", ""),
                new Case("GET", "/openapi/v3/api/v1", null, false, "get", "", "", "", "", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parsesRequestsAsKubernetesDoes(Case c) {
        RequestInfo info = RequestInfo.parse(c.method(), c.path(), c.watch());

        assertThat(info.resourceRequest()).isEqualTo(c.resource());
        assertThat(info.verb()).isEqualTo(c.verb());
        if (c.resource()) {
            assertThat(info.group()).isEqualTo(c.group());
            assertThat(info.namespace()).isEqualTo(c.namespace());
            assertThat(info.resource()).isEqualTo(c.resourceName());
            assertThat(info.name()).isEqualTo(c.name());
            assertThat(info.subresource()).isEqualTo(c.subresource());
        }
    }
}
