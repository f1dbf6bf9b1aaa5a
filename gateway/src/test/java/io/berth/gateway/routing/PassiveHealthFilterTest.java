package io.berth.gateway.routing;

import io.berth.gateway.routing.ApiServerInstances.Choice;
import io.berth.gateway.routing.ApiServerInstances.Replica;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.PrematureCloseException;

import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class PassiveHealthFilterTest {

    private final MutableClock clock = new MutableClock();
    private final ApiServerInstances instances = new ApiServerInstances(
            List.of(URI.create("https://127.0.0.1:8081"), URI.create("https://127.0.0.1:8082")), clock,
            Duration.ofSeconds(5));
    private final Replica first = instances.replicas().get(0);
    private final PassiveHealthFilter filter = new PassiveHealthFilter(instances);

    private MockServerWebExchange exchangeTo(Choice choice) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/pods"));
        exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR, choice);
        return exchange;
    }

    record Outcome(String name, GatewayFilterChain upstream, boolean failure) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static GatewayFilterChain answering(HttpStatus status) {
        return exchange -> {
            exchange.getResponse().setStatusCode(status);
            return Mono.empty();
        };
    }

    static Stream<Outcome> outcomes() {
        return Stream.of(
                new Outcome("a refused connection", e -> Mono.error(new ConnectException("refused")), true),
                new Outcome("a premature close", e -> Mono.error(PrematureCloseException.TEST_EXCEPTION), true),
                new Outcome("a response time-out", e -> Mono.error(new TimeoutException()), true),
                new Outcome("502", answering(HttpStatus.BAD_GATEWAY), true),
                new Outcome("503", answering(HttpStatus.SERVICE_UNAVAILABLE), true),
                new Outcome("504", answering(HttpStatus.GATEWAY_TIMEOUT), true),
                new Outcome("200", answering(HttpStatus.OK), false),
                new Outcome("404 is the replica answering", answering(HttpStatus.NOT_FOUND), false),
                new Outcome("500 is the replica answering", answering(HttpStatus.INTERNAL_SERVER_ERROR), false));
    }

    @ParameterizedTest
    @MethodSource("outcomes")
    void eachOutcomeIsRecordedAgainstTheChosenReplica(Outcome o) {
        filter.filter(exchangeTo(new Choice(first, true)), o.upstream()).onErrorResume(e -> Mono.empty()).block();

        var metrics = first.breaker().getMetrics();
        assertThat(metrics.getNumberOfFailedCalls()).isEqualTo(o.failure() ? 1 : 0);
        assertThat(metrics.getNumberOfSuccessfulCalls()).isEqualTo(o.failure() ? 0 : 1);
        assertThat(instances.replicas().get(1).breaker().getMetrics().getNumberOfBufferedCalls()).isZero();
    }

    @Test
    void aRefusedConnectionTakesTheReplicaOutAndTheErrorGoesOn() {
        Throwable[] seen = {null};
        filter.filter(exchangeTo(new Choice(first, true)), e -> Mono.error(new ConnectException("refused")))
                .onErrorResume(e -> {
                    seen[0] = e;
                    return Mono.empty();
                }).block();

        assertThat(seen[0]).isInstanceOf(ConnectException.class);
        assertThat(first.breaker().getState()).isEqualTo(State.OPEN);
    }

    @Test
    void aCancelledTrialGivesItsPermissionBackSoTheNextRequestIsTheTrial() {
        instances.failed(first, 1, new ConnectException());
        clock.advance(Duration.ofSeconds(6));
        Choice trial = instances.choose(Set.of("127.0.0.1:8082"));
        assertThat(trial.replica()).isSameAs(first);
        assertThat(trial.permitted()).isTrue();
        assertThat(first.breaker().tryAcquirePermission()).as("the only trial is taken").isFalse();

        filter.filter(exchangeTo(trial), e -> Mono.never()).subscribe().dispose();

        assertThat(first.breaker().tryAcquirePermission()).isTrue();
    }

    @Test
    void aWebSocketSessionDoesNotHoldTheHalfOpenTrialButAFailedConnectStillCounts() {
        instances.failed(first, 1, new ConnectException());
        clock.advance(Duration.ofSeconds(6));
        Choice trial = instances.choose(Set.of("127.0.0.1:8082"));
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest
                .get("/api/v1/namespaces/a/pods?watch=true").header("Upgrade", "websocket"));
        exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR, trial);

        var session = filter.filter(exchange, e -> Mono.never()).subscribe();

        assertThat(first.breaker().tryAcquirePermission()).as("the trial is free for the next request").isTrue();
        session.dispose();
        MockServerWebExchange refused = MockServerWebExchange.from(MockServerHttpRequest
                .get("/api/v1/namespaces/a/pods?watch=true").header("Upgrade", "websocket"));
        refused.getAttributes().put(ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR,
                new Choice(first, false));
        filter.filter(refused, e -> Mono.error(new ConnectException())).onErrorResume(e -> Mono.empty()).block();
        assertThat(first.breaker().getState()).isEqualTo(State.OPEN);
    }

    @Test
    void withoutTheLoadBalancersChoiceTheRequestUrlNamesTheReplica() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/pods"));
        exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR,
                URI.create("https://127.0.0.1:8081/api/v1/pods"));

        filter.filter(exchange, e -> Mono.error(new ConnectException())).onErrorResume(e -> Mono.empty()).block();

        assertThat(first.breaker().getState()).isEqualTo(State.OPEN);
    }
}
