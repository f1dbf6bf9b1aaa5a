package io.berth.scheduler.framework;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FitErrorTest {

    @Test
    void theMessageCountsEachReasonSortedAsKubernetesPrintsIt() {
        Map<String, Status> rejections = new LinkedHashMap<>();
        rejections.put("a", Status.unschedulable("Insufficient cpu").from("NodeResourcesFit"));
        rejections.put("b", Status.unschedulable("Insufficient cpu", "Insufficient memory").from("NodeResourcesFit"));
        rejections.put("c", Status.unschedulable("Insufficient cpu").from("NodeResourcesFit"));
        rejections.put("d", Status.unresolvable("node(s) had untolerated taint {dedicated: gpu}").from("TaintToleration"));
        rejections.put("e", Status.unresolvable("node(s) had untolerated taint {dedicated: gpu}").from("TaintToleration"));

        FitError error = new FitError(5, null, rejections, null);

        assertThat(error.message()).isEqualTo("0/5 nodes are available: 1 Insufficient memory, "
                + "2 node(s) had untolerated taint {dedicated: gpu}, 3 Insufficient cpu.");
        assertThat(error.rejectors()).containsExactly("NodeResourcesFit", "TaintToleration");
    }

    @Test
    void aPreFilterRejectionIsSaidOnceAndPreemptionAddsItsOwnSentence() {
        Status pre = Status.unresolvable("node(s) didn't match pod topology spread constraints (missing required label)")
                .from("PodTopologySpread");
        FitError error = new FitError(3, pre, Map.of("a", pre, "b", pre, "c", pre), null)
                .withPostFilter("preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod");

        assertThat(error.message()).isEqualTo("0/3 nodes are available: node(s) didn't match pod topology spread "
                + "constraints (missing required label). preemption: 0/3 nodes are available: 3 No preemption "
                + "victims found for incoming pod.");
        assertThat(error.rejectors()).containsExactly("PodTopologySpread");
    }

    @Test
    void withoutNodesTheMessageIsKubernetesOwn() {
        assertThat(FitError.noNodes().message()).isEqualTo("no nodes available to schedule pods");
    }
}
