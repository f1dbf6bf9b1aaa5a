package io.berth.apimachinery.rbac;

import io.berth.apimachinery.request.RequestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.berth.apimachinery.rbac.Fixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

class ForbiddenTest {

    record Message(String description, Attributes attributes, String reason, String message) {
        @Override
        public String toString() {
            return description;
        }
    }

    private static Attributes alice(String method, String path) {
        return Attributes.of(user("alice"), RequestInfo.parse(method, path, null));
    }

    static Stream<Message> messages() {
        return Stream.of(
                new Message("a named object in a namespace", alice("GET", "/api/v1/namespaces/a/pods/x"), "",
                        "pods \"x\" is forbidden: User \"alice\" cannot get resource \"pods\" in API group \"\""
                                + " in the namespace \"a\""),
                new Message("a list in a namespace names no object", alice("GET", "/api/v1/namespaces/a/pods"), "",
                        "pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\""
                                + " in the namespace \"a\""),
                new Message("a cluster-scoped resource", alice("GET", "/api/v1/nodes"), "",
                        "nodes is forbidden: User \"alice\" cannot list resource \"nodes\" in API group \"\""
                                + " at the cluster scope"),
                new Message("a group-qualified resource", alice("DELETE", "/apis/apps/v1/namespaces/a/deployments/web"),
                        "", "deployments.apps \"web\" is forbidden: User \"alice\" cannot delete resource"
                        + " \"deployments\" in API group \"apps\" in the namespace \"a\""),
                new Message("a subresource is named in the sentence, not the prefix",
                        alice("POST", "/api/v1/namespaces/a/pods/x/exec"), "",
                        "pods \"x\" is forbidden: User \"alice\" cannot create resource \"pods/exec\" in API group"
                                + " \"\" in the namespace \"a\""),
                new Message("a non-resource path", alice("GET", "/foo"), "",
                        "forbidden: User \"alice\" cannot get path \"/foo\""),
                new Message("a reason is appended", alice("GET", "/api/v1/namespaces/a/pods/x"),
                        "RBAC: clusterrole.rbac.authorization.k8s.io \"gone\" not found",
                        "pods \"x\" is forbidden: User \"alice\" cannot get resource \"pods\" in API group \"\""
                                + " in the namespace \"a\": RBAC: clusterrole.rbac.authorization.k8s.io \"gone\""
                                + " not found"),
                new Message("markup in the request is escaped", alice("GET", "/<b>"), "",
                        "forbidden: User \"alice\" cannot get path \"/&lt;b&gt;\""),
                new Message("quotes in names are escaped as Go does",
                        Attributes.resource(user("al\"ice"), "get", "", "pods", "", "a", "x\ty"), "",
                        "pods \"x\\ty\" is forbidden: User \"al\\\"ice\" cannot get resource \"pods\" in API group"
                                + " \"\" in the namespace \"a\""),
                new Message("a request without user names the empty user", Attributes.nonResource(null, "get", "/"), "",
                        "forbidden: User \"\" cannot get path \"/\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void words_the_message_as_kube_apiserver_does(Message c) {
        assertThat(Forbidden.message(c.attributes(), c.reason())).isEqualTo(c.message());
    }
}
