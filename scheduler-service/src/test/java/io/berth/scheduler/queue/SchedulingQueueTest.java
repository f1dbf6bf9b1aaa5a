package io.berth.scheduler.queue;

import io.berth.scheduler.Pods;
import io.berth.scheduler.TestClock;
import io.berth.scheduler.framework.ClusterEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SchedulingQueueTest {

    private final TestClock clock = new TestClock(Instant.parse("2026-11-28T00:00:00Z"));
    private final SchedulingQueue queue = new SchedulingQueue(clock, Duration.ofSeconds(1), Duration.ofSeconds(10),
            Duration.ofMinutes(5), Map.of(
                    "NodeResourcesFit", Set.of(ClusterEvent.NODE_ADDED, ClusterEvent.ASSIGNED_POD_DELETED),
                    "TaintToleration", Set.of(ClusterEvent.NODE_ADDED, ClusterEvent.NODE_TAINTS_CHANGED)));

    @AfterEach
    void close() {
        queue.close();
    }

    @Test
    void higherPriorityComesFirstThenTheOldest() throws Exception {
        queue.add(Pods.pending("low", "1", "1Mi", 1));
        clock.advance(Duration.ofMillis(1));
        queue.add(Pods.pending("high", "1", "1Mi", 10));
        clock.advance(Duration.ofMillis(1));
        queue.add(Pods.pending("low-later", "1", "1Mi", 1));

        assertThat(queue.pop().uid()).isEqualTo("high");
        assertThat(queue.pop().uid()).isEqualTo("low");
        assertThat(queue.pop().uid()).isEqualTo("low-later");
    }

    @Test
    void backOffStartsAtOneSecondAndDoublesUpToTen() {
        assertThat(queue.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(queue.backoff(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(queue.backoff(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(queue.backoff(5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(queue.backoff(30)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void anUnschedulablePodWaitsForAnEventItsRejectorRegisteredNotForOthers() throws Exception {
        queue.add(Pods.pending("big", "64", "1Mi", 0));
        QueuedPod q = queue.pop();
        queue.unschedulable(q, Set.of("NodeResourcesFit"));

        queue.onEvent(ClusterEvent.NODE_TAINTS_CHANGED);
        assertThat(queue.pending()).isEqualTo(new SchedulingQueue.Pending(0, 0, 1));

        queue.onEvent(ClusterEvent.NODE_ADDED);
        assertThat(queue.pending()).isEqualTo(new SchedulingQueue.Pending(0, 1, 0));
        clock.advance(Duration.ofSeconds(1));
        assertThat(queue.pop().uid()).isEqualTo("big");
    }

    @Test
    void anEventDuringTheCycleSendsTheRejectedPodToBackOffInsteadOfWaiting() throws Exception {
        queue.add(Pods.pending("p", "64", "1Mi", 0));
        QueuedPod q = queue.pop();
        queue.onEvent(ClusterEvent.NODE_LABELS_CHANGED);
        queue.unschedulable(q, Set.of("NodeResourcesFit"));

        assertThat(queue.pending()).isEqualTo(new SchedulingQueue.Pending(0, 1, 0));
    }

    @Test
    void popWaitsForTheBackOffToEnd() throws Exception {
        queue.add(Pods.pending("p", "1", "1Mi", 0));
        QueuedPod q = queue.pop();
        queue.retry(q);
        CompletableFuture<QueuedPod> next = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.pop();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !next.isDone());
        clock.advance(Duration.ofSeconds(1));
        assertThat(next.get(5, TimeUnit.SECONDS).attempts()).isEqualTo(2);
    }

    @Test
    void aPodLeftUnschedulableTooLongIsRetriedWithoutAnEvent() throws Exception {
        queue.add(Pods.pending("p", "64", "1Mi", 0));
        queue.unschedulable(queue.pop(), Set.of("NodeResourcesFit"));
        clock.advance(Duration.ofMinutes(5).plusSeconds(2));

        assertThat(queue.pop().uid()).isEqualTo("p");
    }

    @Test
    void aDeletedOrUpdatedPodIsHandledWhereverItWaits() throws Exception {
        queue.add(Pods.pending("gone", "1", "1Mi", 0));
        queue.add(Pods.pending("changed", "64", "1Mi", 0));
        queue.delete("gone");
        QueuedPod q = queue.pop();
        assertThat(q.uid()).isEqualTo("changed");
        queue.unschedulable(q, Set.of("NodeResourcesFit"));

        queue.update(Pods.pending("changed", "1", "1Mi", 0));

        assertThat(queue.pending()).isEqualTo(new SchedulingQueue.Pending(0, 1, 0));
        assertThat(queue.contains("gone")).isFalse();
    }

    @Test
    void closingWakesAWaitingPop() throws Exception {
        CompletableFuture<QueuedPod> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.pop();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        queue.close();

        assertThat(waiting.get(5, TimeUnit.SECONDS)).isNull();
    }
}
