package io.berth.controller.endpoints;

import io.berth.controller.endpoints.EndpointsPlan.Action;
import io.berth.controller.endpoints.EndpointsPlan.Create;
import io.berth.controller.endpoints.EndpointsPlan.Delete;
import io.berth.controller.endpoints.EndpointsPlan.None;
import io.berth.controller.endpoints.EndpointsPlan.Update;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.berth.controller.endpoints.Fixtures.NS;
import static io.berth.controller.endpoints.Fixtures.headless;
import static io.berth.controller.endpoints.Fixtures.namedPort;
import static io.berth.controller.endpoints.Fixtures.notReady;
import static io.berth.controller.endpoints.Fixtures.phase;
import static io.berth.controller.endpoints.Fixtures.pod;
import static io.berth.controller.endpoints.Fixtures.port;
import static io.berth.controller.endpoints.Fixtures.publishNotReady;
import static io.berth.controller.endpoints.Fixtures.service;
import static io.berth.controller.endpoints.Fixtures.terminating;
import static io.berth.controller.endpoints.Fixtures.withoutIp;
import static io.berth.controller.endpoints.Fixtures.withoutSelector;
import static org.assertj.core.api.Assertions.assertThat;

class EndpointsPlanTest {

    static final Instant T = Instant.parse("2024-05-01T10:00:05Z");
    static final Service WEB = service("web", port("http", 80, 8080));

    enum Where { ADDRESSES, NOT_READY_ADDRESSES, NOWHERE }

    record Row(String description, Pod pod, boolean publishNotReady, Where expected) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Row> placements() {
        Pod p = pod("p", "10.244.0.5");
        Pod v6 = new PodBuilder(p).editStatus().withPodIP("fd00::5").withPodIPs().addNewPodIP().withIp("fd00::5")
                .endPodIP().endStatus().build();
        return Stream.of(
                new Row("a ready pod is an address", p, false, Where.ADDRESSES),
                new Row("a pod not ready is a not-ready address", notReady(p), false, Where.NOT_READY_ADDRESSES),
                new Row("publishNotReadyAddresses makes a pod not ready an address", notReady(p), true,
                        Where.ADDRESSES),
                new Row("a pod without an IP is left out", withoutIp(p), false, Where.NOWHERE),
                new Row("a Succeeded pod is left out", phase(p, "Succeeded"), false, Where.NOWHERE),
                new Row("a Failed pod is left out", phase(p, "Failed"), true, Where.NOWHERE),
                new Row("a terminating pod is left out", terminating(p), false, Where.NOWHERE),
                new Row("publishNotReadyAddresses keeps a terminating pod as an address", terminating(p), true,
                        Where.ADDRESSES),
                new Row("a pod with only an IPv6 address is left out of an IPv4 service", v6, false, Where.NOWHERE));
    }

    @ParameterizedTest
    @MethodSource("placements")
    void aPodLandsInAddressesNotReadyAddressesOrNowhere(Row row) {
        Service svc = row.publishNotReady() ? publishNotReady(WEB) : WEB;
        Endpoints e = created(plan(svc, List.of(row.pod()), null));
        List<String> ready = ips(e, true);
        List<String> notReady = ips(e, false);
        switch (row.expected()) {
            case ADDRESSES -> {
                assertThat(ready).containsExactly("10.244.0.5");
                assertThat(notReady).isEmpty();
            }
            case NOT_READY_ADDRESSES -> {
                assertThat(ready).isEmpty();
                assertThat(notReady).containsExactly("10.244.0.5");
            }
            case NOWHERE -> assertThat(e.getSubsets()).isEmpty();
        }
    }

    @Test
    void anAddressNamesItsPodAndNodeAndTheResolvedPort() {
        Endpoints e = created(plan(WEB, List.of(pod("p", "10.244.0.5")), T));
        EndpointSubset s = e.getSubsets().get(0);
        EndpointAddress a = s.getAddresses().get(0);
        assertThat(a.getIp()).isEqualTo("10.244.0.5");
        assertThat(a.getNodeName()).isEqualTo("node-a");
        assertThat(a.getTargetRef().getKind()).isEqualTo("Pod");
        assertThat(a.getTargetRef().getNamespace()).isEqualTo(NS);
        assertThat(a.getTargetRef().getName()).isEqualTo("p");
        assertThat(a.getTargetRef().getUid()).isEqualTo("uid-p");
        assertThat(a.getHostname()).isNull();
        assertThat(s.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getPort()).isEqualTo(8080);
            assertThat(p.getProtocol()).isEqualTo("TCP");
        });
    }

    @Test
    void aServicePortWithoutTargetPortTargetsTheSamePortOnThePod() {
        Endpoints e = created(plan(service("web", port("http", 80, null)), List.of(pod("p", "10.244.0.5")), T));
        assertThat(e.getSubsets().get(0).getPorts().get(0).getPort()).isEqualTo(80);
    }

    @Test
    void aNamedTargetPortResolvesOnEachPodAndAPodWithoutThatNameIsLeftOutOfThatPort() {
        Service svc = service("web", port("http", 80, "web-port"), port("metrics", 9090, 9090));
        Pod withName = namedPort(pod("a", "10.244.0.5"), "web-port", 8080);
        Pod withoutName = pod("b", "10.244.0.6");

        List<EndpointSubset> subsets = created(plan(svc, List.of(withName, withoutName), T)).getSubsets();

        // repacked: both pods offer metrics, only a offers http
        assertThat(subsets).hasSize(2);
        assertThat(subsets).anySatisfy(s -> {
            assertThat(s.getAddresses()).extracting(EndpointAddress::getIp).containsExactly("10.244.0.5");
            assertThat(s.getPorts()).singleElement().satisfies(p -> {
                assertThat(p.getName()).isEqualTo("http");
                assertThat(p.getPort()).isEqualTo(8080);
            });
        });
        assertThat(subsets).anySatisfy(s -> {
            assertThat(s.getAddresses()).extracting(EndpointAddress::getIp)
                    .containsExactly("10.244.0.5", "10.244.0.6");
            assertThat(s.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(9090));
        });
    }

    @Test
    void podsOfferingTheSamePortsShareOneSubsetWithReadyAndNotReadyAddresses() {
        Service svc = service("web", port("http", 80, 8080), port("https", 443, 8443));
        List<EndpointSubset> subsets = created(plan(svc, List.of(pod("b", "10.244.0.6"),
                notReady(pod("a", "10.244.0.7")), pod("c", "10.244.0.5")), T)).getSubsets();
        assertThat(subsets).singleElement().satisfies(s -> {
            assertThat(s.getAddresses()).extracting(EndpointAddress::getIp)
                    .containsExactly("10.244.0.5", "10.244.0.6");
            assertThat(s.getNotReadyAddresses()).extracting(EndpointAddress::getIp).containsExactly("10.244.0.7");
            assertThat(s.getPorts()).extracting(p -> p.getPort()).containsExactlyInAnyOrder(8080, 8443);
        });
    }

    @Test
    void aServiceWithoutSelectorIsLeftToItsUser() {
        Endpoints mine = new EndpointsBuilder().withNewMetadata().withNamespace(NS).withName("web")
                .withResourceVersion("7").endMetadata().build();
        assertThat(EndpointsPlan.plan(NS, "web", withoutSelector(WEB), List.of(pod("p", "10.244.0.5")), mine,
                T)).isInstanceOf(None.class);
    }

    @Test
    void anExternalNameServiceGetsNoEndpoints() {
        Service external = new ServiceBuilder(WEB).editSpec().withType("ExternalName")
                .withExternalName("example.com").endSpec().build();
        assertThat(plan(external, List.of(pod("p", "10.244.0.5")), null)).isInstanceOf(None.class);
    }

    @Test
    void theEndpointsOfAGoneServiceAreDeleted() {
        Endpoints left = created(plan(WEB, List.of(pod("p", "10.244.0.5")), T));
        assertThat(EndpointsPlan.plan(NS, "web", null, List.of(), left, null))
                .isEqualTo(new Delete(NS, "web"));
        assertThat(EndpointsPlan.plan(NS, "web", null, List.of(), null, null)).isInstanceOf(None.class);
    }

    @Test
    void newEndpointsCarryTheServiceLabelsAndTheTriggerTime() {
        Endpoints e = created(plan(WEB, List.of(pod("p", "10.244.0.5")), T));
        assertThat(e.getMetadata().getName()).isEqualTo("web");
        assertThat(e.getMetadata().getNamespace()).isEqualTo(NS);
        assertThat(e.getMetadata().getLabels()).isEqualTo(Map.of("team", "a"));
        assertThat(e.getMetadata().getAnnotations())
                .containsEntry(PodEndpoints.LAST_CHANGE_TRIGGER_TIME, "2024-05-01T10:00:05Z");
    }

    @Test
    void aHeadlessServiceIsLabelledAndListsItsPodsWithoutPortsWhenItHasNone() {
        Service svc = headless(service("db"));
        Endpoints e = created(plan(svc, List.of(pod("p", "10.244.0.5")), T));
        assertThat(e.getMetadata().getLabels()).containsEntry(PodEndpoints.LABEL_HEADLESS, "");
        assertThat(e.getSubsets()).singleElement().satisfies(s -> {
            assertThat(s.getAddresses()).extracting(EndpointAddress::getIp).containsExactly("10.244.0.5");
            assertThat(s.getPorts()).isEmpty();
        });
    }

    @Test
    void aPodWhoseHostnameAndSubdomainNameTheServiceGetsItsHostname() {
        Service svc = headless(service("db", port("sql", 5432, 5432)));
        Pod p = new PodBuilder(pod("db-0", "10.244.0.5")).editSpec().withHostname("db-0").withSubdomain("db")
                .endSpec().build();
        Pod other = new PodBuilder(pod("x", "10.244.0.6")).editSpec().withHostname("x").withSubdomain("other")
                .endSpec().build();
        List<EndpointAddress> addresses = created(plan(svc, List.of(p, other), T)).getSubsets().get(0)
                .getAddresses();
        assertThat(addresses).extracting(EndpointAddress::getHostname).containsExactly("db-0", null);
    }

    @Test
    void aSyncWithNothingChangedWritesNothingEvenWithANewTriggerTime() {
        List<Pod> pods = List.of(pod("a", "10.244.0.5"), notReady(pod("b", "10.244.0.6")));
        Endpoints stored = stored(created(plan(WEB, pods, T)));
        assertThat(EndpointsPlan.plan(NS, "web", WEB, pods, stored, T.plusSeconds(60))).isInstanceOf(None.class);
    }

    @Test
    void aTargetsResourceVersionIsNotADifference() {
        List<Pod> pods = List.of(pod("a", "10.244.0.5"));
        Endpoints stored = stored(created(plan(WEB, pods, T)));
        stored.getSubsets().get(0).getAddresses().get(0).getTargetRef().setResourceVersion("42");
        assertThat(EndpointsPlan.plan(NS, "web", WEB, pods, stored, null)).isInstanceOf(None.class);
    }

    @Test
    void aReadinessChangeUpdatesTheEndpointsAtTheirResourceVersionKeepingOtherAnnotations() {
        Pod a = pod("a", "10.244.0.5");
        Endpoints stored = stored(created(plan(WEB, List.of(a), T)));
        stored.getMetadata().getAnnotations().put("note", "kept");

        Action action = EndpointsPlan.plan(NS, "web", WEB, List.of(notReady(a)), stored, null);

        assertThat(action).isInstanceOf(Update.class);
        Endpoints e = ((Update) action).endpoints();
        assertThat(e.getMetadata().getResourceVersion()).isEqualTo("5");
        assertThat(e.getMetadata().getAnnotations()).containsEntry("note", "kept")
                .doesNotContainKey(PodEndpoints.LAST_CHANGE_TRIGGER_TIME);
        assertThat(ips(e, false)).containsExactly("10.244.0.5");
    }

    @Test
    void aChangeOfTheServiceLabelsUpdatesTheEndpoints() {
        List<Pod> pods = List.of(pod("a", "10.244.0.5"));
        Endpoints stored = stored(created(plan(WEB, pods, T)));
        Service relabelled = new ServiceBuilder(WEB).editMetadata().addToLabels("tier", "front").endMetadata()
                .build();
        Action action = EndpointsPlan.plan(NS, "web", relabelled, pods, stored, null);
        assertThat(action).isInstanceOf(Update.class);
        assertThat(((Update) action).endpoints().getMetadata().getLabels())
                .isEqualTo(Map.of("team", "a", "tier", "front"));
    }

    @Test
    void moreThanAThousandAddressesAreTruncatedAndAnnotatedAndThenStable() {
        List<Pod> pods = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            pods.add(pod("p" + i, "10.244." + (i / 250) + "." + (i % 250 + 1)));
        }
        Endpoints e = created(plan(WEB, pods, T));
        assertThat(e.getSubsets().get(0).getAddresses()).hasSize(1000);
        assertThat(e.getMetadata().getAnnotations()).containsEntry(EndpointsPlan.OVER_CAPACITY, "truncated");
        assertThat(EndpointsPlan.plan(NS, "web", WEB, pods, stored(e), null) instanceof None).isTrue();
    }

    static Action plan(Service svc, List<Pod> pods, Instant triggerTime) {
        return EndpointsPlan.plan(NS, svc.getMetadata().getName(), svc, pods, null, triggerTime);
    }

    static Endpoints created(Action action) {
        if (!(action instanceof Create create)) {
            throw new AssertionError("expected a creation, got " + action);
        }
        return create.endpoints();
    }

    /** As the API would return it: with a resourceVersion, through JSON. */
    static Endpoints stored(Endpoints e) {
        return Fixtures.roundTrip(new EndpointsBuilder(e).editMetadata().withResourceVersion("5").withUid("ep-uid")
                .endMetadata().build());
    }

    static List<String> ips(Endpoints e, boolean ready) {
        List<String> ips = new ArrayList<>();
        for (EndpointSubset s : e.getSubsets()) {
            for (EndpointAddress a : ready ? s.getAddresses() : s.getNotReadyAddresses()) {
                ips.add(a.getIp());
            }
        }
        return ips;
    }
}
