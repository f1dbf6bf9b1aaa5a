package io.berth.scheduler.plugins.nodename;

import io.berth.scheduler.framework.ClusterEvent;
import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.berth.scheduler.plugins.Fixtures.node;
import static io.berth.scheduler.plugins.Fixtures.nodeInfo;
import static io.berth.scheduler.plugins.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

class NodeNameTest {

    private final NodeName plugin = new NodeName();

    record Case(String name, String podNodeName, String node, Status.Code code, List<String> reasons) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        List<String> mismatch = List.of("node(s) didn't match the requested node name");
        return Stream.of(
                new Case("a pod without spec.nodeName fits any node", null, "node-1", Status.Code.SUCCESS,
                        List.of()),
                new Case("an empty spec.nodeName is no request", "", "node-1", Status.Code.SUCCESS, List.of()),
                new Case("a pod fits the node it names", "node-1", "node-1", Status.Code.SUCCESS, List.of()),
                new Case("a pod does not fit another node, and preemption cannot change that", "node-2", "node-1",
                        Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE, mismatch));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void aPodRunsOnlyOnTheNodeItNames(Case c) {
        Pod pod = new PodBuilder(pod("p")).editSpec().withNodeName(c.podNodeName()).endSpec().build();

        Status status = plugin.filter(new CycleState(), pod, nodeInfo(node(c.node())));

        assertThat(status.code()).isEqualTo(c.code());
        assertThat(status.reasons()).isEqualTo(c.reasons());
    }

    @Test
    void onlyANewNodeCanMakeARejectedPodFit() {
        assertThat(plugin.name()).isEqualTo("NodeName");
        assertThat(plugin.events()).containsExactly(ClusterEvent.NODE_ADDED);
    }
}
