package io.berth.controller.endpoints;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.berth.controller.endpoints.Fixtures.notReady;
import static io.berth.controller.endpoints.Fixtures.pod;
import static io.berth.controller.endpoints.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

class ServiceMembershipTest {

    static Service selecting(String name, Map<String, String> selector) {
        return new ServiceBuilder(service(name)).editSpec().withSelector(selector).endSpec().build();
    }

    final List<Service> services = List.of(
            selecting("web", Map.of("app", "web")),
            selecting("all", Map.of("tier", "front")),
            selecting("canary", Map.of("app", "web", "track", "canary")),
            Fixtures.withoutSelector(service("manual")));

    static Pod labelled(Pod pod, String rv, Map<String, String> labels) {
        return new PodBuilder(pod).editMetadata().withResourceVersion(rv).withLabels(labels).endMetadata().build();
    }

    @Test
    void aPodConcernsEveryServiceWhoseSelectorItsLabelsMatch() {
        Pod p = labelled(pod("p", "10.244.0.5"), "1", Map.of("app", "web", "tier", "front"));
        assertThat(ServiceMembership.servicesFor(services, p.getMetadata().getLabels()))
                .containsExactlyInAnyOrder("default/web", "default/all");
    }

    @Test
    void aLabelChangeAloneConcernsTheServicesThePodJoinedOrLeft() {
        Pod old = labelled(pod("p", "10.244.0.5"), "1", Map.of("app", "web", "tier", "front"));
        Pod now = labelled(old, "2", Map.of("app", "web", "track", "canary"));
        assertThat(ServiceMembership.servicesToUpdate(services, old, now))
                .containsExactlyInAnyOrder("default/all", "default/canary");
    }

    @Test
    void aLabelChangeWithAReadinessChangeConcernsTheOldAndNewServices() {
        Pod old = labelled(pod("p", "10.244.0.5"), "1", Map.of("app", "web", "tier", "front"));
        Pod now = labelled(notReady(old), "2", Map.of("app", "web", "track", "canary"));
        assertThat(ServiceMembership.servicesToUpdate(services, old, now))
                .containsExactlyInAnyOrder("default/web", "default/all", "default/canary");
    }

    @Test
    void aReadinessChangeConcernsTheServicesOfItsLabels() {
        Pod old = labelled(pod("p", "10.244.0.5"), "1", Map.of("app", "web"));
        Pod now = labelled(notReady(old), "2", Map.of("app", "web"));
        assertThat(ServiceMembership.servicesToUpdate(services, old, now)).containsExactly("default/web");
    }

    @Test
    void anUpdateThatCannotMoveAnEndpointConcernsNoService() {
        Pod old = labelled(pod("p", "10.244.0.5"), "1", Map.of("app", "web"));
        Pod annotated = new PodBuilder(old).editMetadata().withResourceVersion("2")
                .addToAnnotations("note", "x").endMetadata().build();
        assertThat(ServiceMembership.servicesToUpdate(services, old, annotated)).isEmpty();
        assertThat(ServiceMembership.servicesToUpdate(services, old, old)).isEmpty();
    }
}
