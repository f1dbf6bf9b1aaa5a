package io.berth.gateway.routing;

import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.ServiceInstance;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ApiServerInstancesTest {

    private static final List<URI> SERVERS = List.of(URI.create("https://127.0.0.1:8081"),
            URI.create("https://127.0.0.1:8082"));

    @Test
    void aReplicaWhoseConnectionFailedLeavesTheRotationForTheEjectionPeriod() {
        Clock[] clock = {Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC)};
        ApiServerInstances instances = new ApiServerInstances(SERVERS, new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return clock[0].instant();
            }
        }, Duration.ofSeconds(5));

        instances.eject(URI.create("https://127.0.0.1:8081/api/v1/pods"));

        assertThat(instances.available()).extracting(ServiceInstance::getPort).containsExactly(8082);
        clock[0] = Clock.offset(clock[0], Duration.ofSeconds(6));
        assertThat(instances.available()).extracting(ServiceInstance::getPort).containsExactly(8081, 8082);
    }

    @Test
    void whenEveryReplicaIsEjectedAllStayInTheRotation() {
        ApiServerInstances instances = new ApiServerInstances(SERVERS, Clock.systemUTC(), Duration.ofMinutes(1));

        instances.eject(URI.create("https://127.0.0.1:8081/"));
        instances.eject(URI.create("https://127.0.0.1:8082/"));

        assertThat(instances.available()).hasSize(2);
        assertThat(instances.all()).allMatch(ServiceInstance::isSecure);
    }
}
