package io.berth.scheduler.cache;

import io.berth.scheduler.Pods;
import io.berth.scheduler.TestClock;
import io.berth.scheduler.framework.NodeInfo;
import io.berth.scheduler.framework.Snapshot;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class SchedulerCacheTest {

    private final TestClock clock = new TestClock(Instant.parse("2026-11-28T00:00:00Z"));
    private final SchedulerCache cache = new SchedulerCache(clock, Duration.ofMinutes(15));

    @Test
    void anAssumedPodCountsOnItsNodeUntilItIsForgotten() {
        cache.addNode(Pods.node("n1", "4", "8Gi", 110));
        Pod assumed = Pods.bound("p", "n1", "1500m", "1Gi");

        cache.assume(assumed);
        assertThat(cache.snapshot().get("n1").requested().milliCpu).isEqualTo(1500);
        assertThat(cache.isAssumed("p")).isTrue();

        cache.forget(assumed);
        assertThat(cache.snapshot().get("n1").requested().milliCpu).isZero();
        assertThat(cache.isAssumed("p")).isFalse();
    }

    @Test
    void theInformerConfirmsAnAssumedPodWhichThenNeverExpires() {
        cache.addNode(Pods.node("n1", "4", "8Gi", 110));
        Pod assumed = Pods.bound("p", "n1", "1", "1Gi");
        cache.assume(assumed);
        cache.finishBinding(assumed);

        cache.addPod(assumed);
        clock.advance(Duration.ofMinutes(20));

        assertThat(cache.expireAssumed()).isZero();
        assertThat(cache.isAssumed("p")).isFalse();
        assertThat(cache.snapshot().get("n1").pods()).hasSize(1);
    }

    @Test
    void anAssumedPodTheInformerNeverShowsExpiresAfterItsBinding() {
        cache.addNode(Pods.node("n1", "4", "8Gi", 110));
        Pod assumed = Pods.bound("p", "n1", "1", "1Gi");
        cache.assume(assumed);
        clock.advance(Duration.ofHours(1));
        assertThat(cache.expireAssumed()).as("not before its binding finished").isZero();

        cache.finishBinding(assumed);
        clock.advance(Duration.ofMinutes(16));

        assertThat(cache.expireAssumed()).isOne();
        assertThat(cache.snapshot().get("n1").pods()).isEmpty();
    }

    @Test
    void aSnapshotCopiesOnlyTheNodesThatChangedAndIsNotChangedByLaterEvents() {
        cache.addNode(Pods.node("n1", "4", "8Gi", 110));
        cache.addNode(Pods.node("n2", "4", "8Gi", 110));
        Snapshot first = cache.snapshot();
        NodeInfo n1 = first.get("n1");
        NodeInfo n2 = first.get("n2");

        cache.addPod(Pods.bound("p", "n2", "1", "1Gi"));
        assertThat(n2.pods()).as("the copy a cycle read is not changed").isEmpty();
        Snapshot second = cache.snapshot();

        assertThat(second.get("n1")).isSameAs(n1);
        assertThat(second.get("n2")).isNotSameAs(n2);
        assertThat(second.get("n2").pods()).hasSize(1);
    }

    @Test
    void aBoundPodThatFinishesOrGoesStopsCounting() {
        cache.addNode(Pods.node("n1", "4", "8Gi", 110));
        Pod p = Pods.bound("p", "n1", "1", "1Gi");
        cache.addPod(p);
        cache.updatePod(new PodBuilder(p).withNewStatus().withPhase("Succeeded").endStatus().build());
        assertThat(cache.snapshot().get("n1").pods()).isEmpty();

        Pod q = Pods.bound("q", "n1", "1", "1Gi");
        cache.addPod(q);
        cache.removePod(q);
        assertThat(cache.snapshot().get("n1").requested().milliCpu).isZero();
    }

    @Test
    void aDeletedNodeLeavesTheSnapshotAndPodsOfUnknownNodesAreKeptForThem() {
        cache.addPod(Pods.bound("early", "n3", "1", "1Gi"));
        assertThat(cache.snapshot().nodes()).isEmpty();
        cache.addNode(Pods.node("n3", "4", "8Gi", 110));
        assertThat(cache.snapshot().get("n3").pods()).hasSize(1);

        cache.removeNode(Pods.node("n3", "4", "8Gi", 110));

        assertThat(cache.snapshot().nodes()).isEmpty();
        assertThat(cache.nodeCount()).isZero();
    }
}
