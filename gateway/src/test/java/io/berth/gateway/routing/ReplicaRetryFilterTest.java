package io.berth.gateway.routing;

import io.berth.apimachinery.json.Json;
import io.github.resilience4j.retry.Retry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.PrematureCloseException;
import tools.jackson.databind.JsonNode;

import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplicaRetryFilterTest {

    private static final int REPLICAS = 2;

    private final ReplicaRetryFilter filter = new ReplicaRetryFilter(
            Retry.of("api-service", ReplicaRetryFilter.retryConfig(REPLICAS)));

    /** An upstream that fails the first {@code failures} attempts with {@code error}, then answers 200. */
    private static final class Upstream implements GatewayFilterChain {
        final AtomicInteger attempts = new AtomicInteger();
        final int failures;
        final Supplier<Throwable> error;

        Upstream(int failures, Supplier<Throwable> error) {
            this.failures = failures;
            this.error = error;
        }

        @Override
        public Mono<Void> filter(org.springframework.web.server.ServerWebExchange exchange) {
            return Mono.defer(() -> {
                if (attempts.incrementAndGet() <= failures) {
                    return Mono.error(error.get());
                }
                exchange.getResponse().setStatusCode(HttpStatus.OK);
                return Mono.empty();
            });
        }
    }

    record Case(String name, HttpMethod method, Supplier<Throwable> error, int failures, int attempts,
                HttpStatus status) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        Supplier<Throwable> refused = () -> new ConnectException("Connection refused");
        Supplier<Throwable> closed = () -> PrematureCloseException.TEST_EXCEPTION;
        return Stream.of(
                new Case("a GET whose connection is refused is retried", HttpMethod.GET, refused, 1, 2, HttpStatus.OK),
                new Case("a HEAD closed prematurely is retried", HttpMethod.HEAD, closed, 1, 2, HttpStatus.OK),
                new Case("a GET is tried once per replica and once more", HttpMethod.GET, refused, 2, 3,
                        HttpStatus.OK),
                new Case("a GET no replica answers gets 503", HttpMethod.GET, refused, 9, 3,
                        HttpStatus.SERVICE_UNAVAILABLE),
                new Case("a POST is never retried", HttpMethod.POST, refused, 1, 1, HttpStatus.SERVICE_UNAVAILABLE),
                new Case("a PUT is never retried", HttpMethod.PUT, closed, 1, 1, HttpStatus.SERVICE_UNAVAILABLE),
                new Case("a DELETE is never retried", HttpMethod.DELETE, refused, 1, 1,
                        HttpStatus.SERVICE_UNAVAILABLE),
                new Case("a PATCH is never retried", HttpMethod.PATCH, refused, 1, 1, HttpStatus.SERVICE_UNAVAILABLE));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void onlyIdempotentRequestsAreRetriedAndOnlyWhenTheReplicaWasUnreachable(Case c) {
        Upstream upstream = new Upstream(c.failures(), c.error());
        MockServerWebExchange exchange = MockServerWebExchange.from(
                MockServerHttpRequest.method(c.method(), "/api/v1/namespaces/default/pods"));

        filter.filter(exchange, upstream).block(Duration.ofSeconds(5));

        assertThat(upstream.attempts.get()).isEqualTo(c.attempts());
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(c.status());
    }

    @Test
    void otherFailuresAreNotRetriedAndGoOn() {
        Upstream upstream = new Upstream(1, () -> new IllegalStateException("a bug"));
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/pods"));

        assertThatThrownBy(() -> filter.filter(exchange, upstream).block()).hasMessageContaining("a bug");
        assertThat(upstream.attempts.get()).isEqualTo(1);
    }

    @Test
    void anUnreachableApiServiceIsAServiceUnavailableStatusWithRetryAfter() {
        MockServerWebExchange exchange = MockServerWebExchange.from(
                MockServerHttpRequest.post("/api/v1/namespaces/default/pods"));

        filter.filter(exchange, new Upstream(1, () -> new ConnectException("Connection refused: /10.0.0.1:8081")))
                .block();

        assertThat(exchange.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("1");
        String body = exchange.getResponse().getBodyAsString().block();
        JsonNode status = Json.tree(body.getBytes(StandardCharsets.UTF_8));
        assertThat(status.path("kind").asString("")).isEqualTo("Status");
        assertThat(status.path("reason").asString("")).isEqualTo("ServiceUnavailable");
        assertThat(status.path("code").asInt()).isEqualTo(503);
        assertThat(status.path("message").asString("")).isEqualTo(
                "error trying to reach the api-service: connection failed");
        assertThat(body).as("no internal address leaks to clients").doesNotContain("10.0.0.1");
    }

    @Test
    void eachAttemptOfAGetGoesToAReplicaItHasNotTried() {
        ApiServerInstances instances = new ApiServerInstances(List.of(URI.create("https://127.0.0.1:8081"),
                URI.create("https://127.0.0.1:8082")), new MutableClock(), Duration.ofSeconds(5));
        ApiServerLoadBalancer balancer = new ApiServerLoadBalancer(instances);
        List<Integer> ports = new CopyOnWriteArrayList<>();
        // what the load balancer and routing filters do on each attempt; every replica refuses
        GatewayFilterChain routing = exchange -> balancer.choose(new DefaultRequest<>(new RequestDataContext(
                        new RequestData(exchange.getRequest(), exchange.getAttributes()))))
                .flatMap(choice -> {
                    ports.add(choice.getServer().getPort());
                    return Mono.error(new ConnectException("refused"));
                });
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/pods"));

        filter.filter(exchange, routing).block();

        assertThat(ports).hasSize(3);
        assertThat(ports.subList(0, 2)).containsExactlyInAnyOrder(8081, 8082);
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    }
}
