package io.berth.controller.endpoints;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.impl.cache.CacheImpl;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.berth.controller.endpoints.Fixtures.NS;
import static io.berth.controller.endpoints.Fixtures.cache;
import static io.berth.controller.endpoints.Fixtures.lister;
import static io.berth.controller.endpoints.Fixtures.notReady;
import static io.berth.controller.endpoints.Fixtures.pod;
import static io.berth.controller.endpoints.Fixtures.port;
import static io.berth.controller.endpoints.Fixtures.roundTrip;
import static io.berth.controller.endpoints.Fixtures.service;
import static io.berth.controller.endpoints.Fixtures.withoutSelector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EndpointsReconcilerTest {

    /** Records writes and events; answers as the API would (a resourceVersion per write). */
    static final class RecordingApi implements EndpointsApi {
        final List<String> calls = new ArrayList<>();
        final List<Endpoints> written = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        KubernetesClientException failure;
        int version = 10;

        @Override
        public Endpoints create(Endpoints endpoints) {
            return answer("create", endpoints);
        }

        @Override
        public Endpoints update(Endpoints endpoints) {
            return answer("update", endpoints);
        }

        private Endpoints answer(String verb, Endpoints endpoints) {
            calls.add(verb + " " + endpoints.getMetadata().getName());
            if (failure != null) {
                throw failure;
            }
            Endpoints stored = roundTrip(new EndpointsBuilder(endpoints).editMetadata()
                    .withResourceVersion(String.valueOf(++version)).endMetadata().build());
            written.add(stored);
            return stored;
        }

        @Override
        public void delete(String namespace, String name) {
            calls.add("delete " + name);
        }

        @Override
        public void warning(HasMetadata about, String reason, String message) {
            events.add(reason + ": " + message);
        }
    }

    final Service web = service("web", port("http", 80, 8080));
    final CacheImpl<Service> services = cache(web);
    final CacheImpl<Pod> pods = cache(pod("a", "10.244.0.5"), notReady(pod("b", "10.244.0.6")),
            new PodBuilder(pod("other", "10.244.0.9")).editMetadata().withLabels(Map.of("app", "db")).endMetadata()
                    .build());
    final CacheImpl<Endpoints> endpoints = cache();
    final RecordingApi api = new RecordingApi();
    final List<String> queued = new ArrayList<>();
    final EndpointsReconciler reconciler = new EndpointsReconciler(lister(services), lister(pods),
            lister(endpoints), api, queued::add);

    @Test
    void aNewServiceGetsItsEndpointsOnceAndTheNextSyncWritesNothing() {
        reconciler.reconcile("default/web");
        assertThat(api.calls).containsExactly("create web");
        Endpoints created = api.written.get(0);
        assertThat(EndpointsPlanTest.ips(created, true)).containsExactly("10.244.0.5");
        assertThat(EndpointsPlanTest.ips(created, false)).containsExactly("10.244.0.6");

        endpoints.put(created);
        reconciler.reconcile("default/web");
        assertThat(api.calls).containsExactly("create web");
    }

    @Test
    void aPodChangeUpdatesTheEndpointsAndASyncFromTheStaleCacheIsRefused() {
        reconciler.reconcile("default/web");
        Endpoints first = api.written.get(0);
        endpoints.put(first);
        pods.put(pod("b", "10.244.0.6"));

        reconciler.reconcile("default/web");
        assertThat(api.calls).containsExactly("create web", "update web");
        assertThat(EndpointsPlanTest.ips(api.written.get(1), true)).containsExactly("10.244.0.5", "10.244.0.6");

        // the cache still holds the replaced version: writing from it would only conflict
        pods.put(pod("c", "10.244.0.7"));
        assertThatThrownBy(() -> reconciler.reconcile("default/web")).hasMessageContaining("out of date");
        assertThat(api.calls).hasSize(2);

        endpoints.put(api.written.get(1));
        reconciler.reconcile("default/web");
        assertThat(api.calls).containsExactly("create web", "update web", "update web");
    }

    @Test
    void theEndpointsOfADeletedServiceAreDeleted() {
        reconciler.reconcile("default/web");
        endpoints.put(api.written.get(0));
        services.remove(web);

        reconciler.reconcile("default/web");
        assertThat(api.calls).containsExactly("create web", "delete web");
    }

    @Test
    void theEndpointsOfAServiceWithoutSelectorAreLeftAlone() {
        services.put(withoutSelector(web));
        endpoints.put(new EndpointsBuilder().withNewMetadata().withNamespace(NS).withName("web")
                .withResourceVersion("3").endMetadata().addNewSubset().addNewAddress().withIp("192.168.1.1")
                .endAddress().endSubset().build());
        reconciler.reconcile("default/web");
        assertThat(api.calls).isEmpty();
    }

    @Test
    void aFailedUpdateIsReportedAsAnEventAndRetried() {
        reconciler.reconcile("default/web");
        endpoints.put(api.written.get(0));
        pods.put(pod("b", "10.244.0.6"));
        api.failure = new KubernetesClientException(new StatusBuilder().withCode(409).withReason("Conflict")
                .withMessage("the object has been modified").build());

        assertThatThrownBy(() -> reconciler.reconcile("default/web")).isSameAs(api.failure);
        assertThat(api.events).singleElement().asString()
                .startsWith("FailedToUpdateEndpoint: Failed to update endpoint default/web: ");
    }

    @Test
    void aCreationRefusedBecauseTheNamespaceIsTerminatingIsDropped() {
        api.failure = new KubernetesClientException(new StatusBuilder().withCode(403).withReason("Forbidden")
                .withNewDetails().addNewCause().withReason("NamespaceTerminating").endCause().endDetails().build());
        reconciler.reconcile("default/web");
        assertThat(api.events).isEmpty();
    }

    @Test
    void theLeftoverCheckQueuesEndpointsWithoutServiceButNotLeaderLocks() {
        endpoints.put(new EndpointsBuilder().withNewMetadata().withNamespace(NS).withName("gone").endMetadata()
                .build());
        endpoints.put(new EndpointsBuilder().withNewMetadata().withNamespace(NS).withName("web").endMetadata()
                .build());
        endpoints.put(new EndpointsBuilder().withNewMetadata().withNamespace("kube-system").withName("lock")
                .addToAnnotations(EndpointsReconciler.LEADER_ANNOTATION, "{}").endMetadata().build());

        reconciler.reconcile(EndpointsReconciler.LEFTOVERS);

        assertThat(queued).containsExactly("default/gone");
        assertThat(api.calls).isEmpty();
    }
}
