package io.berth.gateway.authz;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.authorizer.ClusterAuthorizer;
import io.berth.apimachinery.authorizer.NodeAuthorizer;
import io.berth.apimachinery.authorizer.NodeGraph;
import io.berth.apimachinery.rbac.InMemoryRbacObjects;
import io.berth.apimachinery.rbac.RbacAuthorizer;
import io.berth.apimachinery.rbac.RuleResolver;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.request.RequestInfo;
import io.berth.gateway.authn.AuthenticationFilter;
import io.berth.gateway.config.ManagementPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connect request's GET (the WebSocket handshake of exec, attach and port-forward) needs {@code create} as well as
 * {@code get}, as in Kubernetes 1.35; other GETs, a log's included, need only {@code get}. Mock exchanges over an
 * in-memory policy: Kubernetes' default roles plus one Role per verb set.
 */
class ConnectAuthorizationTest {

    private static final ClusterAuthorizer AUTHORIZER = authorizer();

    private static ClusterAuthorizer authorizer() {
        InMemoryRbacObjects policy = InMemoryRbacObjects.bootstrap();
        role(policy, "get-only", "getter", "get");
        role(policy, "create-only", "creator", "create");
        role(policy, "both", "sheller", "get", "create");
        bind(policy, "ClusterRole", "edit", "editor");
        bind(policy, "ClusterRole", "view", "viewer");
        NodeGraph noPods = new NodeGraph() {
            @Override
            public List<Pod> podsOnNode(String node) {
                return List.of();
            }

            @Override
            public Pod pod(String namespace, String name) {
                return null;
            }
        };
        return new ClusterAuthorizer(new NodeAuthorizer(noPods, ResourceRegistry.builtIn()),
                new RbacAuthorizer(new RuleResolver(policy)), () -> true);
    }

    private static void role(InMemoryRbacObjects policy, String name, String user, String... verbs) {
        policy.put(new RoleBuilder().withNewMetadata().withNamespace("team").withName(name).endMetadata()
                .addNewRule().withApiGroups("").withResources("pods/exec", "pods/attach", "pods/portforward")
                .withVerbs(verbs).endRule().build());
        bind(policy, "Role", name, user);
    }

    private static void bind(InMemoryRbacObjects policy, String kind, String role, String user) {
        policy.put(new RoleBindingBuilder().withNewMetadata().withNamespace("team").withName(user + "-" + role)
                .endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind(kind)
                .withName(role).endRoleRef().addNewSubject().withKind("User").withName(user)
                .withApiGroup("rbac.authorization.k8s.io").endSubject().build());
    }

    record Case(String user, String method, String subresource, String forbiddenVerb) {
        @Override
        public String toString() {
            return user + " " + method + " pods/" + subresource + " → "
                    + (forbiddenVerb == null ? "allowed" : "cannot " + forbiddenVerb);
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("getter", "GET", "exec", "create"),
                new Case("getter", "GET", "attach", "create"),
                new Case("getter", "GET", "portforward", "create"),
                new Case("creator", "GET", "exec", "get"),
                new Case("creator", "POST", "exec", null),
                new Case("sheller", "GET", "exec", null),
                new Case("sheller", "GET", "attach", null),
                new Case("sheller", "GET", "portforward", null),
                new Case("editor", "GET", "exec", null),
                new Case("viewer", "GET", "exec", "get"),
                new Case("viewer", "GET", "log", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aConnectGetNeedsCreateToo(Case c) {
        String path = "/api/v1/namespaces/team/pods/web/" + c.subresource();
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest
                .method(HttpMethod.valueOf(c.method()), path + "?command=sh")
                .header("Upgrade", "websocket").header("Connection", "Upgrade"));
        exchange.getAttributes().put(AuthenticationFilter.USER_ATTRIBUTE,
                UserInfo.of(c.user(), "", List.of("system:authenticated")));
        exchange.getAttributes().put(AuthenticationFilter.REQUEST_ATTRIBUTE,
                RequestInfo.parse(c.method(), path, null));
        AtomicBoolean forwarded = new AtomicBoolean();

        new AuthorizationFilter(AUTHORIZER, ManagementPort.none()).filter(exchange, e -> {
            forwarded.set(true);
            return reactor.core.publisher.Mono.empty();
        }).block();

        if (c.forbiddenVerb() == null) {
            assertThat(forwarded).isTrue();
        } else {
            assertThat(forwarded).isFalse();
            assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(403);
            assertThat(exchange.getResponse().getBodyAsString().block()).contains("pods \\\"web\\\" is forbidden: "
                    + "User \\\"" + c.user() + "\\\" cannot " + c.forbiddenVerb() + " resource \\\"pods/"
                    + c.subresource() + "\\\" in API group \\\"\\\" in the namespace \\\"team\\\"");
        }
    }
}
