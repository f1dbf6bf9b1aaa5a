package io.berth.controller.nodelifecycle;

import io.berth.apimachinery.client.ApiCalls;
import io.berth.controller.config.ControllerProperties;
import io.berth.controller.runtime.ControllerContext;
import io.berth.controller.runtime.EventRecorder;
import io.berth.controller.runtime.Informers;
import io.berth.controller.runtime.RateLimiter;
import io.berth.controller.runtime.WorkQueue;
import io.berth.controller.runtime.WorkQueueMetrics;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static io.berth.controller.nodelifecycle.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

class NodeLifecycleControllerTest {

    /** A client that is never used to connect: the informers are set up, not started. */
    private final KubernetesClient client = new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:1").build()).build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final Informers informers = new Informers(client);
    private final WorkQueue queue = new WorkQueue(RateLimiter.controllerDefault(), timer, WorkQueueMetrics.none(),
            System::nanoTime);

    @AfterEach
    void close() {
        queue.close();
        timer.shutdownNow();
        client.close();
    }

    static ControllerProperties defaults() {
        return new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("berth.controller", ControllerProperties.class);
    }

    @Test
    void theDefaultsAreKubernetes() {
        ControllerProperties.NodeLifecycle settings = defaults().nodeLifecycle();

        assertThat(settings.monitorPeriod()).hasSeconds(5);
        assertThat(settings.monitorGracePeriod()).hasSeconds(40);
        assertThat(settings.startupGracePeriod()).hasSeconds(60);
        assertThat(settings.evictionRate()).isEqualTo(0.1);
    }

    @Test
    void setUpWatchesNodesLeasesAndPodsByNodeAndQueuesTheTick() throws Exception {
        NodeLifecycleController controller = new NodeLifecycleController(defaults());

        controller.setUp(context(), queue);

        assertThat(informers.get(Pod.class).getIndexer().getIndexers()).containsKey("spec.nodeName");
        assertThat(informers.get(Node.class)).isNotNull();
        assertThat(informers.get(Lease.class)).isNotNull();
        assertThat(queue.get()).isEqualTo(NodeLifecycleReconciler.ALL_NODES);
        assertThat(controller.name()).isEqualTo("nodelifecycle");
        assertThat(controller.workers()).isEqualTo(4);
    }

    @Test
    void anotherControllersIndexOfTheSameNameIsKept() {
        informers.index(Pod.class, NodeLifecycleController.POD_NODE_INDEX, p -> List.of("theirs"));

        new NodeLifecycleController(defaults()).setUp(context(), queue);

        assertThat(informers.get(Pod.class).getIndexer().getIndexers().get(NodeLifecycleController.POD_NODE_INDEX)
                .apply(pod("p", "n1"))).containsExactly("theirs");
    }

    @Test
    void podsAreIndexedByTheNodeTheyAreBoundTo() {
        assertThat(NodeLifecycleController.boundNode(pod("p", "n1"))).containsExactly("n1");
        assertThat(NodeLifecycleController.boundNode(pod("p", null))).isEmpty();
    }

    private ControllerContext context() {
        ApiCalls api = new ApiCalls(client, 4);
        return new ControllerContext(informers, client, api,
                new EventRecorder(api, client.getKubernetesSerialization(), Clock.systemUTC(), "test", "test"),
                Clock.systemUTC());
    }
}
