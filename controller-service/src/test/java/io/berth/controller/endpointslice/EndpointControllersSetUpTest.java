package io.berth.controller.endpointslice;

import io.berth.controller.config.ControllerProperties;
import io.berth.controller.endpoints.EndpointsController;
import io.berth.controller.runtime.ControllerContext;
import io.berth.controller.runtime.Informers;
import io.berth.controller.runtime.RateLimiter;
import io.berth.controller.runtime.WorkQueue;
import io.berth.controller.runtime.WorkQueueMetrics;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
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

import static org.assertj.core.api.Assertions.assertThat;

/** Both controllers register on a term's informers (never started here: no API server is needed). */
class EndpointControllersSetUpTest {

    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    final KubernetesClient client = new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:1").build()).build();
    final Informers informers = new Informers(client);
    final ControllerContext context = new ControllerContext(informers, client, null, null, Clock.systemUTC());

    @AfterEach
    void close() {
        informers.close();
        client.close();
        timer.shutdownNow();
    }

    static ControllerProperties properties(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("berth.controller", ControllerProperties.class);
    }

    WorkQueue queue() {
        return new WorkQueue(RateLimiter.controllerDefault(), timer, WorkQueueMetrics.none(), System::nanoTime);
    }

    @Test
    void theControllersRunFiveWorkersUnlessConfigured() {
        ControllerProperties defaults = properties(Map.of());
        assertThat(new EndpointsController(defaults).name()).isEqualTo("endpoint");
        assertThat(new EndpointsController(defaults).workers()).isEqualTo(5);
        assertThat(new EndpointSliceController(defaults).name()).isEqualTo("endpointslice");
        assertThat(new EndpointSliceController(defaults).workers()).isEqualTo(5);
        assertThat(defaults.endpointSlice().maxEndpointsPerSlice()).isEqualTo(100);

        ControllerProperties tuned = properties(Map.of("berth.controller.workers.endpointslice", "2",
                "berth.controller.endpoint-slice.max-endpoints-per-slice", "50"));
        assertThat(new EndpointSliceController(tuned).workers()).isEqualTo(2);
        assertThat(tuned.endpointSlice().maxEndpointsPerSlice()).isEqualTo(50);
    }

    @Test
    void settingUpRegistersTheInformersTheControllersRead() {
        WorkQueue endpointsQueue = queue();
        assertThat(new EndpointsController(properties(Map.of())).setUp(context, endpointsQueue)).isNotNull();
        assertThat(new EndpointSliceController(properties(Map.of())).setUp(context, queue())).isNotNull();

        // the leftover check waits in the queue for the workers
        assertThat(endpointsQueue.length()).isEqualTo(1);
        assertThat(informers.get(EndpointSlice.class).getIndexer().getIndexers())
                .containsKey(EndpointSliceReconciler.BY_SERVICE);
        for (Class<? extends HasMetadata> type : List.of(Service.class, Pod.class, Endpoints.class, Node.class)) {
            assertThat(informers.get(type)).isNotNull();
        }
    }
}
