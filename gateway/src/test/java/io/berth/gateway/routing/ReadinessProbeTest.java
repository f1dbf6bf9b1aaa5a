package io.berth.gateway.routing;

import io.berth.gateway.routing.ApiServerInstances.Replica;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ReadinessProbeTest {

    private final ApiServerInstances instances = new ApiServerInstances(
            List.of(URI.create("https://127.0.0.1:8081"), URI.create("https://127.0.0.1:8082")), new MutableClock(),
            Duration.ofMinutes(10));
    private final Replica first = instances.replicas().get(0);
    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicInteger probes = new AtomicInteger();
    private final ReadinessProbe probe = new ReadinessProbe(instances, replica -> Mono.fromSupplier(() -> {
        probes.incrementAndGet();
        return ready.get();
    }), Duration.ofMillis(20), Schedulers.parallel());

    @AfterEach
    void close() {
        probe.close();
    }

    @Test
    void nothingIsProbedWhileEveryReplicaIsHealthy() {
        first.succeeded(1);

        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> probes.get() == 0);
        assertThat(probe.isProbing(first)).isFalse();
    }

    @Test
    void anOpenReplicaIsProbedUntilReadyThenHalfOpenAndTheProbeStops() {
        instances.failed(first, 1, new ConnectException("refused"));
        assertThat(probe.isProbing(first)).isTrue();

        await().atMost(Duration.ofSeconds(5)).until(() -> probes.get() >= 3);
        assertThat(first.breaker().getState()).as("not ready yet").isEqualTo(State.OPEN);

        ready.set(true);

        await().atMost(Duration.ofSeconds(5)).until(() -> first.breaker().getState() == State.HALF_OPEN);
        await().atMost(Duration.ofSeconds(5)).until(() -> !probe.isProbing(first));
        int after = probes.get();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> probes.get() == after);
    }

    @Test
    void aFailedTrialStartsTheProbeAgain() {
        ready.set(true);
        instances.failed(first, 1, new ConnectException("refused"));
        await().atMost(Duration.ofSeconds(5)).until(() -> first.breaker().getState() == State.HALF_OPEN);
        ready.set(false);

        instances.failed(first, 1, new ConnectException("refused"));

        assertThat(first.breaker().getState()).isEqualTo(State.OPEN);
        await().atMost(Duration.ofSeconds(5)).until(() -> probe.isProbing(first));
    }

    @Test
    void aClosedProbeStopsProbing() {
        instances.failed(first, 1, new ConnectException("refused"));

        probe.close();

        assertThat(probe.isProbing(first)).isFalse();
        int after = probes.get();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> probes.get() == after);
    }
}
