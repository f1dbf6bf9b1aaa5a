package io.berth.gateway.routing;

import io.berth.gateway.routing.ApiServerInstances.Choice;
import io.berth.gateway.routing.ApiServerInstances.Replica;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.cloud.client.ServiceInstance;

import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ApiServerInstancesTest {

    private static final List<URI> SERVERS = List.of(URI.create("https://127.0.0.1:8081"),
            URI.create("https://127.0.0.1:8082"));

    private final MutableClock clock = new MutableClock();
    private final ApiServerInstances instances = new ApiServerInstances(SERVERS, clock, Duration.ofSeconds(5));
    private final Replica first = instances.replicas().get(0);
    private final Replica second = instances.replicas().get(1);

    private List<Integer> choosePorts(int times) {
        return IntStream.range(0, times).mapToObj(i -> {
            Choice choice = instances.choose(Set.of());
            choice.replica().succeeded(1_000_000);
            return choice.getServer().getPort();
        }).toList();
    }

    @Test
    void aReplicaWhoseConnectionIsRefusedLeavesTheRotationAtOnceUntilItsOpenPeriodEnds() {
        instances.failed(first, 1_000_000, new ConnectException("Connection refused"));

        assertThat(first.breaker().getState()).isEqualTo(State.OPEN);
        assertThat(choosePorts(4)).containsOnly(8082);
        assertThat(instances.available()).extracting(ServiceInstance::getPort).containsExactly(8082);

        clock.advance(Duration.ofSeconds(6));
        assertThat(choosePorts(4)).as("the half-open trial succeeded: back in the rotation").contains(8081);
        assertThat(first.breaker().getState()).isEqualTo(State.CLOSED);
        assertThat(instances.available()).extracting(ServiceInstance::getPort).containsExactly(8081, 8082);
    }

    @Test
    void aHalfOpenReplicaGetsOneTrialWhoseFailureOpensItAgain() {
        instances.failed(first, 1_000_000, new ConnectException("Connection refused"));
        clock.advance(Duration.ofSeconds(6));

        List<Choice> choices = IntStream.range(0, 4).mapToObj(i -> instances.choose(Set.of())).toList();

        assertThat(first.breaker().getState()).isEqualTo(State.HALF_OPEN);
        assertThat(choices).filteredOn(c -> c.replica() == first).as("one trial").hasSize(1)
                .allMatch(Choice::permitted);
        instances.failed(first, 1_000_000, new PassiveHealthFilter.UpstreamStatus(503));
        assertThat(first.breaker().getState()).isEqualTo(State.OPEN);
        assertThat(choosePorts(4)).containsOnly(8082);
    }

    record Outcomes(String name, int failures, int successes, State expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Outcomes> outcomes() {
        return Stream.of(
                new Outcomes("three 503s are too few calls to judge", 3, 0, State.CLOSED),
                new Outcomes("four 503s open the breaker", 4, 0, State.OPEN),
                new Outcomes("half of the last calls failing opens it", 3, 3, State.OPEN),
                new Outcomes("a few failures among many answers keep it closed", 2, 8, State.CLOSED));
    }

    @ParameterizedTest
    @MethodSource("outcomes")
    void answersThatAreNotConnectionFailuresOpenTheBreakerByFailureRate(Outcomes o) {
        for (int i = 0; i < o.successes(); i++) {
            first.succeeded(1_000_000);
        }
        for (int i = 0; i < o.failures(); i++) {
            instances.failed(first, 1_000_000, new PassiveHealthFilter.UpstreamStatus(503));
        }

        assertThat(first.breaker().getState()).isEqualTo(o.expected());
    }

    @Test
    void whenEveryReplicaIsOpenOneIsStillTriedInTurn() {
        instances.failed(first, 1_000_000, new ConnectException());
        instances.failed(second, 1_000_000, new ConnectException());

        List<Choice> choices = IntStream.range(0, 4).mapToObj(i -> instances.choose(Set.of())).toList();

        assertThat(choices).noneMatch(Choice::permitted);
        assertThat(choices).extracting(c -> c.getServer().getPort()).containsExactlyInAnyOrder(8081, 8082, 8081,
                8082);
        assertThat(instances.available()).hasSize(2);
        assertThat(instances.all()).allMatch(ServiceInstance::isSecure);
    }

    @Test
    void aRetryGoesToAReplicaItHasNotTriedWhileOneIsLeft() {
        for (int i = 0; i < 4; i++) {
            assertThat(instances.choose(Set.of("127.0.0.1:8081")).getServer().getPort()).isEqualTo(8082);
        }
        assertThat(instances.choose(Set.of("127.0.0.1:8081", "127.0.0.1:8082")).hasServer()).isTrue();
    }

    @Test
    void openListenersHearOfEveryFailureThatLeavesABreakerOpen() {
        List<String> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
        instances.onOpen(r -> opened.add(r.address()));

        instances.failed(first, 1_000_000, new PassiveHealthFilter.UpstreamStatus(502));
        instances.failed(second, 1_000_000, new ConnectException());

        assertThat(opened).containsExactly("127.0.0.1:8082");
    }
}
