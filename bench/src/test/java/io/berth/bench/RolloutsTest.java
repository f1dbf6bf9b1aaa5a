package io.berth.bench;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLongArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RolloutsTest {

    @Test
    void countsEachPodOnceTowardsItsOwnDeploymentAndNoMoreThanItsReplicas() {
        Rollouts r = new Rollouts("deploy-", 2, 2);
        assertThat(r.podRunning("deploy-0", "deploy-0-a", 100)).isTrue();
        assertThat(r.podRunning("deploy-0", "deploy-0-a", 150)).isFalse();
        assertThat(r.podRunning("warm-0", "warm-0-a", 160)).isFalse();
        assertThat(r.podRunning("deploy-2", "deploy-2-a", 170)).isFalse();
        assertThat(r.fullyRunning()).isZero();
        assertThat(r.podRunning("deploy-0", "deploy-0-b", 200)).isTrue();
        assertThat(r.podRunning("deploy-0", "deploy-0-c", 300)).isFalse();  // a replacement: beyond the replicas
        assertThat(r.podsRunning()).isEqualTo(2);
        assertThat(r.running(0)).isEqualTo(3);
        assertThat(r.allRunningAt(0)).isEqualTo(200);
        assertThat(r.lastPodRunningAt()).isEqualTo(200);
        assertThat(r.fullyRunning()).isEqualTo(1);
        assertThat(r.done()).isFalse();
    }

    @Test
    void isDoneOnceEveryPodRunsAndEveryDeploymentIsComplete() {
        Rollouts r = new Rollouts("deploy-", 2, 1);
        r.podRunning("deploy-0", "p0", 100);
        r.podRunning("deploy-1", "p1", 120);
        assertThat(r.done()).isFalse();
        assertThat(r.deploymentAvailable("deploy-1", 130)).isTrue();
        assertThat(r.deploymentAvailable("deploy-1", 140)).isFalse();
        assertThat(r.deploymentAvailable("deploy-x", 140)).isFalse();
        assertThat(r.done()).isFalse();
        r.deploymentAvailable("deploy-0", 110);
        assertThat(r.done()).isTrue();
        assertThat(r.lastAllRunningAt()).isEqualTo(120);
        assertThat(r.lastAvailableAt()).isEqualTo(130);
        assertThat(r.name(1)).isEqualTo("deploy-1");
    }

    @Test
    void theHeadlineRunsFromTheFirstCreateToTheLaterOfAllRunningAndAllAvailable() {
        long s = 1_000_000_000L;
        Rollouts r = new Rollouts("deploy-", 2, 10);
        for (int p = 0; p < 10; p++) {
            r.podRunning("deploy-0", "a" + p, 2 * s + p);
            r.podRunning("deploy-1", "b" + p, 3 * s + p);
        }
        r.deploymentAvailable("deploy-0", 2 * s + 50);
        r.deploymentAvailable("deploy-1", 5 * s);
        RolloutFigures f = RolloutFigures.of(r, times(s + 10, s), times(s + 20, s + 30));
        assertThat(f.firstSent()).isEqualTo(s);
        assertThat(f.allRunningNanos()).isEqualTo(2 * s + 9);
        assertThat(f.allAvailableNanos()).isEqualTo(4 * s);
        assertThat(f.podsPerSecond()).isCloseTo(20 / 4.0, within(1e-9));
        assertThat(f.createToAllRunning().percentile(100)).isEqualTo(2 * s + 9);
        assertThat(f.createToAllRunning().percentile(50)).isEqualTo(s - 1);
        assertThat(f.createToAvailable().percentile(100)).isEqualTo(4 * s);
    }

    @Test
    void aRunThatStoppedEarlyHasNoHeadlineButARateOverThePodsThatRan() {
        long s = 1_000_000_000L;
        Rollouts r = new Rollouts("deploy-", 3, 2);
        r.podRunning("deploy-0", "a0", 2 * s);
        r.podRunning("deploy-0", "a1", 3 * s);
        r.podRunning("deploy-1", "b0", 3 * s);
        r.deploymentAvailable("deploy-0", 3 * s);
        // deploy-2's create failed: no ack, so it is no latency at all
        RolloutFigures f = RolloutFigures.of(r, times(s, s, s), times(s, s, 0));
        assertThat(f.podsPerSecond()).isZero();
        assertThat(f.allRunningNanos()).isZero();
        assertThat(f.allAvailableNanos()).isZero();
        assertThat(f.runningPerSecond()).isCloseTo(3 / 2.0, within(1e-9));
        assertThat(f.createToAllRunning().count()).isEqualTo(2);
        assertThat(f.createToAllRunning().lost()).isEqualTo(1);
        assertThat(f.createToAvailable().lost()).isEqualTo(1);
    }

    private static AtomicLongArray times(long... nanos) {
        return new AtomicLongArray(nanos);
    }
}
