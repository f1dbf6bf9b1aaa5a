package io.berth.controller.endpointslice;

import io.berth.controller.endpoints.Fixtures;
import io.berth.controller.runtime.RateLimiter;
import io.berth.controller.runtime.WorkQueue;
import io.berth.controller.runtime.WorkQueueMetrics;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.impl.cache.CacheImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static io.berth.controller.endpoints.Fixtures.cache;
import static io.berth.controller.endpoints.Fixtures.lister;
import static io.berth.controller.endpoints.Fixtures.onNode;
import static io.berth.controller.endpoints.Fixtures.pod;
import static io.berth.controller.endpoints.Fixtures.port;
import static io.berth.controller.endpoints.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class EndpointSliceReconcilerTest {

    /** Records writes and events; answers as the API would (names, UIDs, a resourceVersion per write). */
    static final class RecordingApi implements EndpointSliceApi {
        final List<String> calls = new ArrayList<>();
        final List<EndpointSlice> written = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        KubernetesClientException failure;
        int version = 100;
        int created;

        @Override
        public EndpointSlice create(EndpointSlice slice) {
            fail("create " + slice.getMetadata().getGenerateName());
            int n = created++;
            return answer(new EndpointSliceBuilder(slice).editMetadata().withName("web-" + n)
                    .withUid("slice-uid-" + n).endMetadata().build());
        }

        @Override
        public EndpointSlice update(EndpointSlice slice) {
            fail("update " + slice.getMetadata().getName());
            return answer(slice);
        }

        private void fail(String call) {
            calls.add(call);
            if (failure != null) {
                throw failure;
            }
        }

        private EndpointSlice answer(EndpointSlice slice) {
            EndpointSlice stored = Fixtures.roundTrip(new EndpointSliceBuilder(slice).editMetadata()
                    .withResourceVersion(String.valueOf(++version)).endMetadata().build());
            written.add(stored);
            return stored;
        }

        @Override
        public void delete(EndpointSlice slice) {
            fail("delete " + slice.getMetadata().getName());
        }

        @Override
        public void warning(HasMetadata about, String reason, String message) {
            events.add(reason + ": " + message);
        }
    }

    final Service web = service("web", port("http", 80, 8080));
    final CacheImpl<Service> services = cache(web);
    final CacheImpl<Pod> pods = cache(pod("a", "10.244.0.5"), pod("b", "10.244.0.6"));
    final CacheImpl<Node> nodes = cache(Fixtures.node("node-a", "zone-1"));
    final CacheImpl<EndpointSlice> slices = cache();
    final RecordingApi api = new RecordingApi();
    final EndpointSliceTracker tracker = new EndpointSliceTracker();
    final EndpointSliceReconciler reconciler;
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    EndpointSliceReconcilerTest() {
        slices.addIndexers(Map.of(EndpointSliceReconciler.BY_SERVICE, EndpointSliceReconciler::serviceIndex));
        reconciler = new EndpointSliceReconciler(lister(services), lister(pods), lister(nodes), slices, api, tracker,
                100);
    }

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void aNewServiceGetsOneSliceAndASyncBeforeTheCacheSawItCreatesNoSecond() {
        reconciler.reconcile("default/web");
        assertThat(api.calls).containsExactly("create web-");
        assertThat(EndpointSlicePlanTest.names(api.written.get(0))).containsExactly("a", "b");

        assertThatThrownBy(() -> reconciler.reconcile("default/web")).hasMessageContaining("out of date");
        assertThat(api.calls).hasSize(1);

        slices.put(api.written.get(0));
        reconciler.reconcile("default/web");
        assertThat(api.calls).hasSize(1);
    }

    @Test
    void theControllersOwnWritesTriggerNoSyncButAnotherWritersDo() {
        reconciler.reconcile("default/web");
        EndpointSlice mine = api.written.get(0);
        slices.put(mine);
        assertThat(tracker.shouldSync(mine)).isFalse();

        EndpointSlice edited = new EndpointSliceBuilder(mine).editMetadata().withResourceVersion("500").endMetadata()
                .withEndpoints(mine.getEndpoints().get(0)).build();
        assertThat(tracker.shouldSync(edited)).isTrue();

        slices.put(edited);
        reconciler.reconcile("default/web");
        assertThat(api.calls).containsExactly("create web-", "update web-0");
        assertThat(EndpointSlicePlanTest.names(api.written.get(1))).containsExactly("a", "b");
    }

    @Test
    void aUserDeletingAManagedSliceQueuesItsServiceAndTheControllersOwnDeletionDoesNot() {
        WorkQueue queue = new WorkQueue(RateLimiter.controllerDefault(), timer, WorkQueueMetrics.none(),
                System::nanoTime);
        ResourceEventHandler<EndpointSlice> handler = EndpointSliceController.sliceHandler(tracker, queue);
        reconciler.reconcile("default/web");
        EndpointSlice mine = api.written.get(0);

        tracker.expectDeletion(mine);
        handler.onDelete(mine, false);
        assertThat(tracker.tracks("default/web")).isFalse();

        handler.onDelete(mine, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.length() == 1);
    }

    @Test
    void aSliceMovedToAnotherServiceByItsLabelsIsReplacedWithoutWedgingTheOldService() {
        WorkQueue queue = new WorkQueue(RateLimiter.controllerDefault(), timer, WorkQueueMetrics.none(),
                System::nanoTime);
        ResourceEventHandler<EndpointSlice> handler = EndpointSliceController.sliceHandler(tracker, queue);
        reconciler.reconcile("default/web");
        EndpointSlice mine = api.written.get(0);
        slices.put(mine);
        EndpointSlice moved = new EndpointSliceBuilder(mine).editMetadata().withResourceVersion("600")
                .addToLabels(EndpointSlicePlan.LABEL_SERVICE_NAME, "other").endMetadata().build();

        slices.put(moved);
        handler.onUpdate(mine, moved);
        reconciler.reconcile("default/web");

        assertThat(api.calls).containsExactly("create web-", "create web-");
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.length() == 2);
    }

    @Test
    void theSlicesOfADeletedServiceAreLeftToTheGarbageCollector() {
        reconciler.reconcile("default/web");
        slices.put(api.written.get(0));
        services.remove(web);

        reconciler.reconcile("default/web");
        assertThat(api.calls).containsExactly("create web-");
        assertThat(tracker.tracks("default/web")).isFalse();
    }

    @Test
    void aFailedWriteIsReportedOnTheServiceAndRetried() {
        api.failure = new KubernetesClientException(new StatusBuilder().withCode(500).withMessage("etcd is down")
                .build());
        assertThatThrownBy(() -> reconciler.reconcile("default/web"))
                .hasMessageContaining("failed to create EndpointSlice for Service default/web");
        assertThat(api.events).singleElement().asString()
                .startsWith("FailedToUpdateEndpointSlices: Error updating Endpoint Slices for Service default/web");
    }

    @Test
    void aPodOnAnUnknownNodeIsPublishedLaterAndTheSyncRetried() {
        pods.put(onNode(pod("c", "10.244.0.7"), "node-x"));
        assertThatThrownBy(() -> reconciler.reconcile("default/web")).hasMessageContaining("Node node-x Not Found");
        assertThat(api.calls).containsExactly("create web-");
        assertThat(EndpointSlicePlanTest.names(api.written.get(0))).containsExactly("a", "b");
        assertThat(api.events).singleElement().asString().startsWith("FailedToUpdateEndpointSlices");

        slices.put(api.written.get(0));
        nodes.put(Fixtures.node("node-x", "zone-2"));
        reconciler.reconcile("default/web");
        assertThat(api.calls).containsExactly("create web-", "update web-0");
        assertThat(EndpointSlicePlanTest.names(api.written.get(1))).containsExactly("a", "b", "c");
    }

    @Test
    void aNamespaceBeingDeletedDropsTheSync() {
        api.failure = new KubernetesClientException(new StatusBuilder().withCode(403).withReason("Forbidden")
                .withNewDetails().addNewCause().withReason("NamespaceTerminating").endCause().endDetails().build());
        reconciler.reconcile("default/web");
        assertThat(api.events).isEmpty();
    }
}
