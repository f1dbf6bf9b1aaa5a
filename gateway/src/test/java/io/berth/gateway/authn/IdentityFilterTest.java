package io.berth.gateway.authn;

import io.berth.gateway.authz.Authorizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The front door's filter on mock exchanges: no server, no network. */
class IdentityFilterTest {

    private IdentityFilter filter(Path dir) throws IOException {
        Path file = dir.resolve("tokens.csv");
        Files.writeString(file, "admin-token,admin,uid-a,\"system:masters\"\nuser-token,alice,uid-b,\"devs\"\n");
        return new IdentityFilter(new TokenFile(file, Clock.systemUTC(), Duration.ofSeconds(1)), new Authorizer());
    }

    private static final class Capture implements GatewayFilterChain {
        final AtomicReference<ServerHttpRequest> forwarded = new AtomicReference<>();

        @Override
        public Mono<Void> filter(ServerWebExchange exchange) {
            forwarded.set(exchange.getRequest());
            return Mono.empty();
        }
    }

    @Test
    void clientIdentityHeadersAreReplacedByTheVerifiedIdentity(@TempDir Path dir) throws IOException {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/pods")
                .header(HttpHeaders.AUTHORIZATION, "Bearer admin-token")
                .header("X-Remote-User", "mallory")
                .header("x-remote-group", "evil")
                .header("X-Remote-Extra-Scopes", "all"));
        Capture chain = new Capture();

        filter(dir).filter(exchange, chain).block();

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
        Capture chain = new Capture();

        filter(dir).filter(exchange, chain).block();

        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(401);
        assertThat(exchange.getResponse().getBodyAsString().block()).contains("\"reason\":\"Unauthorized\"");
        assertThat(chain.forwarded.get()).isNull();
    }

    @Test
    void aUserOutsideSystemMastersIsForbidden(@TempDir Path dir) throws IOException {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest
                .delete("/apis/apps/v1/namespaces/team/deployments/web")
                .header(HttpHeaders.AUTHORIZATION, "Bearer user-token"));
        Capture chain = new Capture();

        filter(dir).filter(exchange, chain).block();

        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(403);
        assertThat(exchange.getResponse().getBodyAsString().block()).contains(
                "deployments.apps \\\"web\\\" is forbidden: User \\\"alice\\\" cannot delete resource \\\"deployments\\\" "
                        + "in API group \\\"apps\\\" in the namespace \\\"team\\\"");
        assertThat(chain.forwarded.get()).isNull();
    }

    @Test
    void healthIsOpenWithoutATokenAndCarriesNoIdentity(@TempDir Path dir) throws IOException {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/readyz")
                .header("X-Remote-User", "admin"));
        Capture chain = new Capture();

        filter(dir).filter(exchange, chain).block();

        assertThat(chain.forwarded.get()).isNotNull();
        assertThat(chain.forwarded.get().getHeaders().headerNames()).noneMatch(h -> h.toLowerCase().startsWith("x-remote-"));
    }

    @Test
    void impersonationHeadersAreRefused(@TempDir Path dir) throws IOException {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/pods")
                .header(HttpHeaders.AUTHORIZATION, "Bearer user-token")
                .header("Impersonate-User", "admin"));
        Capture chain = new Capture();

        filter(dir).filter(exchange, chain).block();

        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(403);
        assertThat(chain.forwarded.get()).isNull();
    }
}
