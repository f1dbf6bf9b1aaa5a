package io.berth.controller.endpointslice;

import io.berth.controller.endpoints.Fixtures;
import io.berth.controller.endpoints.PodEndpoints;
import io.berth.controller.endpointslice.EndpointSlicePlan.Changes;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.berth.controller.endpoints.Fixtures.namedPort;
import static io.berth.controller.endpoints.Fixtures.notReady;
import static io.berth.controller.endpoints.Fixtures.onNode;
import static io.berth.controller.endpoints.Fixtures.pod;
import static io.berth.controller.endpoints.Fixtures.port;
import static io.berth.controller.endpoints.Fixtures.publishNotReady;
import static io.berth.controller.endpoints.Fixtures.service;
import static io.berth.controller.endpoints.Fixtures.terminating;
import static org.assertj.core.api.Assertions.assertThat;

class EndpointSlicePlanTest {

    static final Instant T = Instant.parse("2024-05-01T10:00:05Z");
    static final Service WEB = service("web", port("http", 80, 8080));
    static final Map<String, Node> NODES = Map.of("node-a", Fixtures.node("node-a", "zone-1"),
            "node-b", Fixtures.node("node-b", null));

    record ConditionRow(String description, Pod pod, boolean publishNotReady, boolean ready, boolean serving,
                        boolean terminating) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<ConditionRow> conditions() {
        Pod p = pod("p", "10.244.0.5");
        return Stream.of(
                new ConditionRow("a ready pod is ready and serving", p, false, true, true, false),
                new ConditionRow("a pod not ready is neither", notReady(p), false, false, false, false),
                new ConditionRow("a terminating ready pod is serving but not ready", terminating(p), false, false,
                        true, true),
                new ConditionRow("a terminating pod not ready is only terminating", terminating(notReady(p)), false,
                        false, false, true),
                new ConditionRow("publishNotReadyAddresses makes a pod not ready ready", notReady(p), true, true,
                        false, false),
                new ConditionRow("publishNotReadyAddresses makes a terminating pod ready", terminating(p), true,
                        true, true, true));
    }

    @ParameterizedTest
    @MethodSource("conditions")
    void anEndpointsConditionsFollowThePodsReadinessAndDeletion(ConditionRow row) {
        Service svc = row.publishNotReady() ? publishNotReady(WEB) : WEB;
        Endpoint e = only(plan(svc, List.of(row.pod()), List.of(), 100).create().get(0));
        assertThat(e.getConditions().getReady()).isEqualTo(row.ready());
        assertThat(e.getConditions().getServing()).isEqualTo(row.serving());
        assertThat(e.getConditions().getTerminating()).isEqualTo(row.terminating());
    }

    @Test
    void anEndpointCarriesThePodsAddressNodeZoneAndReference() {
        Endpoint e = only(plan(WEB, List.of(pod("p", "10.244.0.5")), List.of(), 100).create().get(0));
        assertThat(e.getAddresses()).containsExactly("10.244.0.5");
        assertThat(e.getNodeName()).isEqualTo("node-a");
        assertThat(e.getZone()).isEqualTo("zone-1");
        assertThat(e.getTargetRef().getKind()).isEqualTo("Pod");
        assertThat(e.getTargetRef().getName()).isEqualTo("p");
        assertThat(e.getTargetRef().getUid()).isEqualTo("uid-p");

        Endpoint noZone = only(plan(WEB, List.of(onNode(pod("p", "10.244.0.5"), "node-b")), List.of(), 100)
                .create().get(0));
        assertThat(noZone.getZone()).isNull();
    }

    @Test
    void aPodOnAnUnknownNodeIsLeftOutAndReportedUnlessNotReadyAddressesArePublished() {
        Pod lost = onNode(pod("lost", "10.244.0.9"), "node-x");
        Changes c = plan(WEB, List.of(pod("p", "10.244.0.5"), lost), List.of(), 100);
        assertThat(endpointNames(c.create())).containsExactly("p");
        assertThat(c.errors()).containsExactly("skipping Pod lost for Service default/web: Node node-x Not Found");

        Changes published = plan(publishNotReady(WEB), List.of(lost), List.of(), 100);
        assertThat(endpointNames(published.create())).containsExactly("lost");
        assertThat(published.errors()).isEmpty();
    }

    @Test
    void aNewSliceIsNamedLabelledAndOwnedAfterItsService() {
        EndpointSlice s = plan(WEB, List.of(pod("p", "10.244.0.5")), List.of(), 100).create().get(0);
        assertThat(s.getMetadata().getGenerateName()).isEqualTo("web-");
        assertThat(s.getMetadata().getNamespace()).isEqualTo("default");
        assertThat(s.getAddressType()).isEqualTo("IPv4");
        assertThat(s.getMetadata().getLabels()).isEqualTo(Map.of("team", "a",
                "kubernetes.io/service-name", "web",
                "endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io"));
        assertThat(s.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getApiVersion()).isEqualTo("v1");
            assertThat(o.getKind()).isEqualTo("Service");
            assertThat(o.getName()).isEqualTo("web");
            assertThat(o.getUid()).isEqualTo("svc-uid-web");
            assertThat(o.getController()).isTrue();
            assertThat(o.getBlockOwnerDeletion()).isTrue();
        });
        assertThat(s.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getPort()).isEqualTo(8080);
            assertThat(p.getProtocol()).isEqualTo("TCP");
        });
        assertThat(s.getMetadata().getAnnotations())
                .containsEntry(PodEndpoints.LAST_CHANGE_TRIGGER_TIME, "2024-05-01T10:00:05Z");
    }

    @Test
    void aHeadlessServicesSlicesCarryTheHeadlessLabel() {
        Service headless = Fixtures.headless(service("db"));
        EndpointSlice s = plan(headless, List.of(pod("p", "10.244.0.5")), List.of(), 100).create().get(0);
        assertThat(s.getMetadata().getLabels()).containsEntry(PodEndpoints.LABEL_HEADLESS, "");
        assertThat(s.getPorts()).isEmpty();
    }

    @Test
    void moreThanAHundredEndpointsAreSplitIntoSlicesOfAHundred() {
        Changes c = plan(WEB, pods(250), List.of(), 100);
        assertThat(c.create()).extracting(s -> s.getEndpoints().size()).containsExactly(100, 100, 50);
        assertThat(c.update()).isEmpty();
        assertThat(c.delete()).isEmpty();
    }

    @Test
    void theSliceSizeIsASetting() {
        assertThat(plan(WEB, pods(5), List.of(), 2).create()).extracting(s -> s.getEndpoints().size())
                .containsExactly(2, 2, 1);
    }

    @Test
    void podsWhoseNamedPortsResolveDifferentlyGoToDifferentSlices() {
        Service svc = service("web", port("http", 80, "web-port"));
        Pod a = namedPort(pod("a", "10.244.0.5"), "web-port", 8080);
        Pod b = namedPort(pod("b", "10.244.0.6"), "web-port", 9090);
        Pod c = pod("c", "10.244.0.7");
        List<EndpointSlice> created = plan(svc, List.of(a, b, c), List.of(), 100).create();
        assertThat(created).hasSize(3);
        assertThat(created).anySatisfy(s -> {
            assertThat(s.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(8080));
            assertThat(names(s)).containsExactly("a");
        });
        assertThat(created).anySatisfy(s -> {
            assertThat(s.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(9090));
            assertThat(names(s)).containsExactly("b");
        });
        // a pod without the port name is still an endpoint, in a slice without that port
        assertThat(created).anySatisfy(s -> {
            assertThat(s.getPorts()).isEmpty();
            assertThat(names(s)).containsExactly("c");
        });
    }

    @Test
    void aSyncWithNothingChangedWritesNothing() {
        List<Pod> pods = pods(250);
        List<EndpointSlice> stored = store(plan(WEB, pods, List.of(), 100).create());
        Changes again = EndpointSlicePlan.plan(WEB, pods, NODES::get, stored, 100, T.plusSeconds(30));
        assertThat(again.writes()).isFalse();
    }

    @Test
    void aNewPodJoinsTheExistingSliceInsteadOfANewOne() {
        List<Pod> pods = new ArrayList<>(pods(3));
        List<EndpointSlice> stored = store(plan(WEB, pods, List.of(), 100).create());
        pods.add(pod("new", "10.244.9.9"));

        Changes c = plan(WEB, pods, stored, 100);

        assertThat(c.create()).isEmpty();
        assertThat(c.delete()).isEmpty();
        assertThat(c.update()).singleElement().satisfies(s -> {
            assertThat(s.getMetadata().getName()).isEqualTo("web-0");
            assertThat(s.getMetadata().getResourceVersion()).isEqualTo("100");
            assertThat(names(s)).containsExactly("p0", "p1", "p2", "new");
        });
    }

    @Test
    void aChangedEndpointIsUpdatedInItsSliceAndTheOthersAreLeftAlone() {
        List<Pod> pods = new ArrayList<>(pods(150));
        List<EndpointSlice> stored = store(plan(WEB, pods, List.of(), 100).create());
        String sliceOfP120 = stored.stream().filter(s -> names(s).contains("p120")).findFirst().orElseThrow()
                .getMetadata().getName();
        pods.set(120, notReady(pods.get(120)));

        Changes c = plan(WEB, pods, stored, 100);

        assertThat(c.create()).isEmpty();
        assertThat(c.delete()).isEmpty();
        assertThat(c.update()).singleElement().satisfies(s -> {
            assertThat(s.getMetadata().getName()).isEqualTo(sliceOfP120);
            assertThat(s.getEndpoints()).filteredOn(e -> e.getTargetRef().getName().equals("p120"))
                    .singleElement().satisfies(e -> assertThat(e.getConditions().getReady()).isFalse());
        });
    }

    @Test
    void theLastPodLeavingTurnsTheSliceIntoThePlaceholderWithoutCreatingOrDeleting() {
        List<EndpointSlice> stored = store(plan(WEB, pods(2), List.of(), 100).create());

        Changes c = plan(WEB, List.of(), stored, 100);

        assertThat(c.create()).isEmpty();
        assertThat(c.delete()).isEmpty();
        assertThat(c.update()).singleElement().satisfies(s -> {
            assertThat(s.getMetadata().getName()).isEqualTo("web-0");
            assertThat(s.getEndpoints()).isEmpty();
            assertThat(s.getPorts()).isEmpty();
        });
    }

    @Test
    void aServiceWithoutPodsHasOnePlaceholderSliceAndKeepsIt() {
        Changes c = plan(WEB, List.of(), List.of(), 100);
        assertThat(c.create()).singleElement().satisfies(s -> {
            assertThat(s.getEndpoints()).isEmpty();
            assertThat(s.getPorts()).isEmpty();
        });
        assertThat(plan(WEB, List.of(), store(c.create()), 100).writes()).isFalse();
    }

    @Test
    void leftoverEndpointsGoIntoTheUnchangedSliceTheyFillBest() {
        List<Pod> pods = new ArrayList<>(pods(145));
        List<EndpointSlice> stored = store(List.of(slice(pods.subList(0, 95)), slice(pods.subList(95, 145))));
        for (int i = 0; i < 5; i++) {
            pods.add(pod("q" + i, "10.245.0." + (i + 1)));
        }

        Changes c = plan(WEB, pods, stored, 100);

        assertThat(c.create()).isEmpty();
        assertThat(c.update()).singleElement().satisfies(s -> {
            assertThat(s.getMetadata().getName()).isEqualTo("web-0");
            assertThat(s.getEndpoints()).hasSize(100);
        });
    }

    @Test
    void aSliceOfAnEarlierServiceOfTheSameNameIsDeleted() {
        Service earlier = new ServiceBuilder(WEB).editMetadata().withUid("older-uid").endMetadata().build();
        List<EndpointSlice> stale = store(plan(earlier, pods(2), List.of(), 100).create());

        Changes c = plan(WEB, pods(2), stale, 100);

        assertThat(c.delete()).extracting(s -> s.getMetadata().getName()).containsExactly("web-0");
        assertThat(c.create()).hasSize(1);
        assertThat(c.update()).isEmpty();
    }

    @Test
    void aChangeOfTheServiceLabelsUpdatesItsSlices() {
        List<Pod> pods = pods(2);
        List<EndpointSlice> stored = store(plan(WEB, pods, List.of(), 100).create());
        Service relabelled = new ServiceBuilder(WEB).editMetadata().withLabels(Map.of("team", "b")).endMetadata()
                .build();

        Changes c = plan(relabelled, pods, stored, 100);

        assertThat(c.update()).singleElement().satisfies(s ->
                assertThat(s.getMetadata().getLabels()).containsEntry("team", "b")
                        .containsEntry("kubernetes.io/service-name", "web"));
    }

    @Test
    void aServiceBeingDeletedGetsNoNewSlices() {
        Service deleting = new ServiceBuilder(WEB).editMetadata().withDeletionTimestamp("2024-05-01T11:00:00Z")
                .endMetadata().build();
        assertThat(plan(deleting, pods(3), List.of(), 100).create()).isEmpty();
    }

    @Test
    void theTriggerTimeIsSetOnlyOnSlicesBeingWritten() {
        List<Pod> pods = new ArrayList<>(pods(150));
        List<EndpointSlice> stored = store(plan(WEB, pods, List.of(), 100).create());
        pods.remove(149);

        Changes c = EndpointSlicePlan.plan(WEB, pods, NODES::get, stored, 100, T.plusSeconds(60));

        // the slice of 100 is not written, so its older trigger time stays
        assertThat(c.update()).singleElement().satisfies(s -> assertThat(s.getMetadata().getAnnotations())
                .containsEntry(PodEndpoints.LAST_CHANGE_TRIGGER_TIME, "2024-05-01T10:01:05Z"));

        Changes none = EndpointSlicePlan.plan(WEB, pods(1), NODES::get, store(plan(WEB, pods(1), List.of(), 100)
                .create()), 100, null);
        assertThat(none.writes()).isFalse();
    }

    @Test
    void aSliceOfAnotherAddressTypeIsDeleted() {
        List<Pod> pods = pods(1);
        List<EndpointSlice> stored = new ArrayList<>(store(plan(WEB, pods, List.of(), 100).create()));
        stored.add(new EndpointSliceBuilder(stored.get(0)).editMetadata().withName("web-v6").withUid("v6")
                .endMetadata().withAddressType("IPv6").build());

        Changes c = plan(WEB, pods, stored, 100);

        assertThat(c.delete()).extracting(s -> s.getMetadata().getName()).containsExactly("web-v6");
        assertThat(c.create()).isEmpty();
        assertThat(c.update()).isEmpty();
    }

    static Changes plan(Service svc, List<Pod> pods, List<EndpointSlice> existing, int max) {
        return EndpointSlicePlan.plan(svc, pods, NODES::get, existing, max, T);
    }

    static List<Pod> pods(int n) {
        List<Pod> pods = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pods.add(pod("p" + i, "10.244." + (i / 250) + "." + (i % 250 + 1)));
        }
        return pods;
    }

    /** A slice of WEB holding {@code pods}, as the plan would create it. */
    static EndpointSlice slice(List<Pod> pods) {
        EndpointSlice s = EndpointSlicePlan.newSlice(WEB, DesiredEndpoints.endpointPorts(WEB, pods.get(0)));
        for (Pod p : pods) {
            s.getEndpoints().add(DesiredEndpoints.endpoint(p, NODES.get("node-a"), WEB));
        }
        return s;
    }

    /** As the API stores new slices: named web-0, web-1, ..., with a UID and a resourceVersion. */
    static List<EndpointSlice> store(List<EndpointSlice> created) {
        List<EndpointSlice> stored = new ArrayList<>();
        for (int i = 0; i < created.size(); i++) {
            stored.add(Fixtures.roundTrip(new EndpointSliceBuilder(created.get(i)).editMetadata()
                    .withName("web-" + i).withUid("slice-uid-" + i).withResourceVersion("100").endMetadata()
                    .build()));
        }
        return stored;
    }

    static Endpoint only(EndpointSlice slice) {
        assertThat(slice.getEndpoints()).hasSize(1);
        return slice.getEndpoints().get(0);
    }

    static List<String> names(EndpointSlice slice) {
        return slice.getEndpoints().stream().map(e -> e.getTargetRef().getName()).toList();
    }

    static List<String> endpointNames(List<EndpointSlice> slices) {
        return slices.stream().flatMap(s -> names(s).stream()).toList();
    }
}
