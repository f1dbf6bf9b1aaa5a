package io.berth.controller.garbagecollector;

import io.berth.controller.runtime.RateLimiter;
import io.berth.controller.runtime.WorkQueue;
import io.berth.controller.runtime.WorkQueueMetrics;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static io.berth.controller.garbagecollector.Fixtures.PODS;
import static io.berth.controller.garbagecollector.Fixtures.REPLICA_SETS;
import static io.berth.controller.garbagecollector.Fixtures.pod;
import static io.berth.controller.garbagecollector.Fixtures.rs;
import static io.berth.controller.garbagecollector.Fixtures.rsRef;
import static org.assertj.core.api.Assertions.assertThat;

class GarbageCollectorControllerTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final WorkQueue queue = new WorkQueue(RateLimiter.controllerDefault(), timer, WorkQueueMetrics.none(),
            System::nanoTime);
    private final DependencyGraph graph = new DependencyGraph();

    @AfterEach
    void stop() {
        queue.close();
        timer.shutdownNow();
    }

    @Test
    void informerEventsFeedTheGraphAndQueueOnlyTheUidsThatNeedASync() throws InterruptedException {
        ResourceEventHandler<ReplicaSet> replicaSets = GarbageCollectorController.handler(REPLICA_SETS, graph, queue);
        ResourceEventHandler<Pod> pods = GarbageCollectorController.handler(PODS, graph, queue);

        replicaSets.onAdd(rs("rs", "u-rs"));
        Pod p = pod("p", "u-p", rsRef("rs", "u-rs"));
        pods.onAdd(p);
        pods.onUpdate(p, pod("p", "u-p", rsRef("rs", "u-rs")));
        assertThat(queue.length()).as("a pod whose owner is cached").isZero();

        replicaSets.onDelete(rs("rs", "u-rs"), true);

        assertThat(drain()).containsExactly("u-p");
    }

    private List<String> drain() throws InterruptedException {
        List<String> keys = new ArrayList<>();
        while (queue.length() > 0) {
            String key = queue.get();
            keys.add(key);
            queue.done(key);
        }
        return keys;
    }
}
