package io.berth.apimachinery.selector;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

import static io.berth.apimachinery.selector.FieldSelectorTest.type;
import static org.assertj.core.api.Assertions.assertThat;

class FieldLabelsTest {

    @Test
    void a_pod_has_every_selectable_field_with_empty_strings_for_unset_ones() {
        var pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").endMetadata()
                .withNewSpec().withHostNetwork(true).endSpec().build();
        assertThat(FieldLabels.of(type("", "pods"), pod))
                .containsEntry("metadata.name", "p")
                .containsEntry("metadata.namespace", "ns")
                .containsEntry("spec.hostNetwork", "true")
                .containsEntry("spec.nodeName", "")
                .containsEntry("status.phase", "")
                .containsEntry("status.podIP", "")
                .hasSize(10);
    }

    @Test
    void a_pod_ip_falls_back_to_the_singular_field() {
        var pod = new PodBuilder().withNewMetadata().withName("p").endMetadata()
                .withNewStatus().withPodIP("10.0.0.9").endStatus().build();
        assertThat(FieldLabels.of(type("", "pods"), pod)).containsEntry("status.podIP", "10.0.0.9");
    }

    @Test
    void cluster_scoped_objects_have_no_namespace_field() {
        var node = new NodeBuilder().withNewMetadata().withName("n").endMetadata().build();
        assertThat(FieldLabels.of(type("", "nodes"), node))
                .containsOnlyKeys("metadata.name", "spec.unschedulable")
                .containsEntry("spec.unschedulable", "false");
    }

    @Test
    void an_event_source_prefers_the_source_component() {
        var event = new EventBuilder().withNewMetadata().withName("e").withNamespace("d").endMetadata()
                .withNewSource().withComponent("scheduler").endSource().withReportingComponent("kubelet").build();
        assertThat(FieldLabels.of(type("", "events"), event))
                .containsEntry("source", "scheduler")
                .containsEntry("reportingComponent", "kubelet")
                .containsEntry("involvedObject.kind", "");
    }
}
