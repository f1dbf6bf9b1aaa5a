package io.berth.controller.nodelifecycle;

import io.fabric8.kubernetes.api.model.NodeCondition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import static io.berth.controller.nodelifecycle.Fixtures.T0;
import static io.berth.controller.nodelifecycle.Fixtures.at;
import static io.berth.controller.nodelifecycle.Fixtures.condition;
import static org.assertj.core.api.Assertions.assertThat;

class NodeHealthTest {

    private static final Duration GRACE = Duration.ofSeconds(40);
    /** What the controller saw at T0: Ready heartbeat at T0, Lease renewed at T0. */
    private static final NodeHealth SEEN = new NodeHealth(T0, Times.format(T0), true, T0);

    record Case(String name, NodeHealth saved, NodeCondition ready, Instant leaseRenew, Instant now,
                Instant expectedProbe) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("a node seen for the first time gets a probe of now, however old its heartbeat", null,
                        condition("Ready", "True", at(-3600)), null, at(100), at(100)),
                new Case("a node that never posted status gets a probe of now when first seen", null, null, null,
                        at(100), at(100)),
                new Case("an unchanged heartbeat leaves the probe where it was", SEEN,
                        condition("Ready", "True", T0), T0, at(30), T0),
                new Case("a new Ready heartbeat moves the probe to now", SEEN,
                        condition("Ready", "True", at(20)), T0, at(25), at(25)),
                new Case("a heartbeat from a node whose clock is an hour behind still counts, by the controller's clock",
                        SEEN, condition("Ready", "True", at(-3600)), T0, at(25), at(25)),
                new Case("a Lease renewed later moves the probe even when the status heartbeat is old", SEEN,
                        condition("Ready", "True", T0), at(20), at(25), at(25)),
                new Case("a Lease renewTime that went back is no heartbeat", SEEN,
                        condition("Ready", "True", T0), at(-10), at(25), T0),
                new Case("a Lease seen for the first time counts as a heartbeat",
                        new NodeHealth(T0, Times.format(T0), true, null),
                        condition("Ready", "True", T0), at(-10), at(25), at(25)),
                new Case("a Ready condition that appears moves the probe",
                        new NodeHealth(T0, null, false, null), condition("Ready", "True", at(5)), null, at(25),
                        at(25)),
                new Case("a Ready condition that vanishes moves the probe", SEEN, null, T0, at(25), at(25)));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void theProbeMovesOnlyWhenTheControllerSeesANewHeartbeat(Case c) {
        NodeHealth health = NodeHealth.observe(c.saved(), c.ready(), c.leaseRenew(), c.now());

        assertThat(health.probeTimestamp()).isEqualTo(c.expectedProbe());
    }

    @Test
    void aNodeIsStaleOnlyOnceMoreThanTheGracePeriodHasPassedSinceItsProbe() {
        assertThat(SEEN.stale(at(40), GRACE)).isFalse();
        assertThat(SEEN.stale(at(41), GRACE)).isTrue();
    }

    @Test
    void theLastRenewalSeenIsRemembered() {
        NodeHealth health = NodeHealth.observe(SEEN, condition("Ready", "True", T0), at(20), at(25));
        NodeHealth again = NodeHealth.observe(health, condition("Ready", "True", T0), at(20), at(60));

        assertThat(again.leaseRenewTime()).isEqualTo(at(20));
        assertThat(again.probeTimestamp()).isEqualTo(at(25));
        assertThat(again.stale(at(66), GRACE)).isTrue();
    }
}
