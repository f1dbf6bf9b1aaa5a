package io.berth.gateway.authn;

import io.berth.apimachinery.authorizer.ClusterAuthorizer;
import io.berth.apimachinery.authorizer.NodeAuthorizer;
import io.berth.apimachinery.authorizer.NodeGraph;
import io.berth.apimachinery.rbac.RbacAuthorizer;
import io.berth.apimachinery.rbac.RbacObjects;
import io.berth.apimachinery.rbac.RuleResolver;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.gateway.authz.AuthorizationFilter;
import io.berth.gateway.authz.ImpersonationFilter;
import io.berth.gateway.config.ManagementPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Authentication then authorization on mock exchanges, over an in-memory policy: no server, no network. */
class FrontDoorFiltersTest {

    /** alice may read pods in namespace "team" through a Role; nothing else. */
    private static final Role READER = new RoleBuilder().withNewMetadata().withNamespace("team").withName("reader")
            .endMetadata().addNewRule().withApiGroups("").withResources("pods").withVerbs("get", "list").endRule()
            .build();
    private static final RoleBinding ALICE_READS = new RoleBindingBuilder().withNewMetadata().withNamespace("team")
            .withName("alice-reads").endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io")
            .withKind("Role").withName("reader").endRoleRef().addNewSubject().withKind("User").withName("alice")
            .withApiGroup("rbac.authorization.k8s.io").endSubject().build();

    private static final RbacObjects POLICY = new RbacObjects() {
        @Override
        public ClusterRole clusterRole(String name) {
            return null;
        }

        @Override
        public Role role(String namespace, String name) {
            return namespace.equals("team") && name.equals("reader") ? READER : null;
        }

        @Override
        public Collection<ClusterRole> clusterRoles() {
            return List.of();
        }

        @Override
        public Collection<ClusterRoleBinding> clusterRoleBindings() {
            return List.of();
        }

        @Override
        public Collection<RoleBinding> roleBindings(String namespace) {
            return namespace.equals("team") ? List.of(ALICE_READS) : List.of();
        }

        @Override
        public long revision() {
            return 1;
        }
    };

    private static final NodeGraph NO_PODS = new NodeGraph() {
        @Override
        public List<Pod> podsOnNode(String node) {
            return List.of();
        }

        @Override
        public Pod pod(String namespace, String name) {
            return null;
        }
    };

    private static final class Capture implements WebFilterChain {
        final AtomicReference<ServerHttpRequest> forwarded = new AtomicReference<>();

        @Override
        public Mono<Void> filter(ServerWebExchange exchange) {
            forwarded.set(exchange.getRequest());
            return Mono.empty();
        }
    }

    private Capture run(Path dir, MockServerWebExchange exchange) throws IOException {
        Path file = dir.resolve("tokens.csv");
        Files.writeString(file, "admin-token,admin,uid-a,\"system:masters\"\nuser-token,alice,uid-b,\"devs\"\n");
        TokenFile tokens = new TokenFile(file, Clock.systemUTC(), Duration.ofSeconds(1));
        AuthenticationFilter authn = new AuthenticationFilter(List.of(tokens::authenticate), ManagementPort.none());
        ClusterAuthorizer authorizer = new ClusterAuthorizer(new NodeAuthorizer(NO_PODS, ResourceRegistry.builtIn()),
                new RbacAuthorizer(new RuleResolver(POLICY)), () -> true);
        ImpersonationFilter impersonation = new ImpersonationFilter(authorizer, ManagementPort.none());
        AuthorizationFilter authz = new AuthorizationFilter(authorizer, ManagementPort.none());
        Capture end = new Capture();
        authn.filter(exchange, e -> impersonation.filter(e, e2 -> authz.filter(e2, end))).block();
        return end;
    }

    @Test
    void clientIdentityHeadersAreReplacedByTheVerifiedIdentity(@TempDir Path dir) throws IOException {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/pods")
                .header(HttpHeaders.AUTHORIZATION, "Bearer admin-token")
                .header("X-Remote-User", "mallory")
                .header("x-remote-group", "evil")
                .header("X-Remote-Extra-Scopes", "all"));

        Capture chain = run(dir, exchange);

        HttpHeaders forwarded = chain.forwarded.get().getHeaders();
        assertThat(forwarded.getFirst("X-Remote-User")).isEqualTo("admin");
        assertThat(forwarded.get("X-Remote-Group")).containsExactly("system:masters", "system:authenticated");
        assertThat(forwarded.getFirst("X-Remote-Uid")).isEqualTo("uid-a");
        assertThat(forwarded.headerNames()).noneMatch(h -> h.equalsIgnoreCase("X-Remote-Extra-Scopes"));
        assertThat(forwarded.get(HttpHeaders.AUTHORIZATION)).isNull();
    }

    @Test
    void anUnknownTokenIsUnauthorizedAndNotForwarded(@TempDir Path dir) throws IOException {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api")
                .header(HttpHeaders.AUTHORIZATION, "Bearer nope"));

        Capture chain = run(dir, exchange);

        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(401);
        assertThat(exchange.getResponse().getBodyAsString().block()).contains("\"reason\":\"Unauthorized\"");
        assertThat(chain.forwarded.get()).isNull();
    }

    @Test
    void aRoleBindingLetsAUserReadPodsInItsNamespace(@TempDir Path dir) throws IOException {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest
                .get("/api/v1/namespaces/team/pods/web")
                .header(HttpHeaders.AUTHORIZATION, "Bearer user-token"));

        Capture chain = run(dir, exchange);

        assertThat(chain.forwarded.get()).isNotNull();
        assertThat(chain.forwarded.get().getHeaders().getFirst("X-Remote-User")).isEqualTo("alice");
    }

    @Test
    void whatNoRuleGrantsIsForbiddenWithKubernetesWording(@TempDir Path dir) throws IOException {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest
                .delete("/apis/apps/v1/namespaces/team/deployments/web")
                .header(HttpHeaders.AUTHORIZATION, "Bearer user-token"));

        Capture chain = run(dir, exchange);

        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(403);
        assertThat(exchange.getResponse().getBodyAsString().block()).contains(
                "deployments.apps \\\"web\\\" is forbidden: User \\\"alice\\\" cannot delete resource \\\"deployments\\\" "
                        + "in API group \\\"apps\\\" in the namespace \\\"team\\\"");
        assertThat(chain.forwarded.get()).isNull();
    }

    @Test
    void theSameRoleGrantsNothingInAnotherNamespace(@TempDir Path dir) throws IOException {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest
                .get("/api/v1/namespaces/other/pods/web")
                .header(HttpHeaders.AUTHORIZATION, "Bearer user-token"));

        Capture chain = run(dir, exchange);

        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(403);
        assertThat(chain.forwarded.get()).isNull();
    }

    @Test
    void healthIsOpenWithoutATokenAndGoesOutAsTheAnonymousUser(@TempDir Path dir) throws IOException {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/readyz")
                .header("X-Remote-User", "admin")
                .header("X-Remote-Group", "system:masters"));

        Capture chain = run(dir, exchange);

        HttpHeaders forwarded = chain.forwarded.get().getHeaders();
        assertThat(forwarded.get("X-Remote-User")).containsExactly("system:anonymous");
        assertThat(forwarded.get("X-Remote-Group")).containsExactly("system:unauthenticated");
    }

    @Test
    void onlyTheAuditQueryIsLeftToItsHandlerAndStillLosesClientIdentityHeaders(@TempDir Path dir)
            throws IOException {
        MockServerWebExchange query = MockServerWebExchange.from(MockServerHttpRequest.get("/audit/v1/events")
                .header(HttpHeaders.AUTHORIZATION, "Bearer user-token")
                .header("X-Remote-Group", "system:masters"));
        Capture passed = run(dir, query);
        assertThat(passed.forwarded.get().getHeaders().get("X-Remote-Group")).doesNotContain("system:masters");

        MockServerWebExchange other = MockServerWebExchange.from(MockServerHttpRequest.post("/audit/v1/events")
                .header(HttpHeaders.AUTHORIZATION, "Bearer user-token"));
        Capture refused = run(dir, other);
        assertThat(other.getResponse().getStatusCode().value()).isEqualTo(403);
        assertThat(refused.forwarded.get()).isNull();
    }

    @Test
    void aMalformedResourcePathIsNotFoundWhateverTheRules(@TempDir Path dir) throws IOException {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest
                .get("/api/v1/namespaces/team/pods/web/status/extra")
                .header(HttpHeaders.AUTHORIZATION, "Bearer admin-token"));

        Capture chain = run(dir, exchange);

        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(404);
        assertThat(chain.forwarded.get()).isNull();
    }

    @Test
    void anAdminMayImpersonateAndTheRequestIsAuthorizedAsTheImpersonatedUser(@TempDir Path dir) throws IOException {
        MockServerWebExchange allowed = MockServerWebExchange.from(MockServerHttpRequest
                .get("/api/v1/namespaces/team/pods/web")
                .header(HttpHeaders.AUTHORIZATION, "Bearer admin-token")
                .header("Impersonate-User", "alice"));
        Capture passed = run(dir, allowed);
        HttpHeaders forwarded = passed.forwarded.get().getHeaders();
        assertThat(forwarded.getFirst("X-Remote-User")).isEqualTo("alice");
        assertThat(forwarded.get("X-Remote-Group")).containsExactly("system:authenticated");
        assertThat(forwarded.headerNames()).noneMatch(h -> h.toLowerCase().startsWith("impersonate-"));

        MockServerWebExchange refused = MockServerWebExchange.from(MockServerHttpRequest
                .delete("/api/v1/namespaces/team/pods/web")
                .header(HttpHeaders.AUTHORIZATION, "Bearer admin-token")
                .header("Impersonate-User", "alice"));
        run(dir, refused);
        assertThat(refused.getResponse().getStatusCode().value()).as("alice may not delete").isEqualTo(403);
    }

    @Test
    void groupsWithoutAUserAreABadRequest(@TempDir Path dir) throws IOException {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/pods")
                .header(HttpHeaders.AUTHORIZATION, "Bearer admin-token")
                .header("Impersonate-Group", "system:masters"));

        Capture chain = run(dir, exchange);

        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(400);
        assertThat(chain.forwarded.get()).isNull();
    }

    @Test
    void impersonationWithoutTheImpersonateVerbIsRefused(@TempDir Path dir) throws IOException {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/pods")
                .header(HttpHeaders.AUTHORIZATION, "Bearer user-token")
                .header("Impersonate-User", "admin"));

        Capture chain = run(dir, exchange);

        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(403);
        assertThat(chain.forwarded.get()).isNull();
    }
}
