package io.berth.scheduler.plugins.nodeunschedulable;

import io.berth.scheduler.framework.ClusterEvent;
import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.berth.scheduler.plugins.Fixtures.node;
import static io.berth.scheduler.plugins.Fixtures.nodeInfo;
import static io.berth.scheduler.plugins.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

class NodeUnschedulableTest {

    private static final String UNSCHEDULABLE_KEY = "node.kubernetes.io/unschedulable";

    private final NodeUnschedulable plugin = new NodeUnschedulable();

    record Case(String name, Boolean unschedulable, List<Toleration> tolerations, boolean fits) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("a schedulable node takes any pod", false, List.of(), true),
                new Case("a node that never set spec.unschedulable takes any pod", null, List.of(), true),
                new Case("a cordoned node rejects a pod without tolerations", true, List.of(), false),
                new Case("a cordoned node takes a pod tolerating the unschedulable taint", true,
                        List.of(toleration(UNSCHEDULABLE_KEY, "Exists", null, "NoSchedule")), true),
                new Case("a toleration without effect tolerates the NoSchedule taint too", true,
                        List.of(toleration(UNSCHEDULABLE_KEY, "Exists", null, null)), true),
                new Case("a pod tolerating everything runs on cordoned nodes", true,
                        List.of(toleration(null, "Exists", null, null)), true),
                new Case("a NoExecute toleration is not a NoSchedule one", true,
                        List.of(toleration(UNSCHEDULABLE_KEY, "Exists", null, "NoExecute")), false),
                new Case("a toleration of another key does not help", true,
                        List.of(toleration("node.kubernetes.io/not-ready", "Exists", null, "NoSchedule")), false),
                new Case("an Equal toleration with a value does not match the taint's empty value", true,
                        List.of(toleration(UNSCHEDULABLE_KEY, "Equal", "true", "NoSchedule")), false));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void cordonedNodesTakeOnlyPodsThatTolerateIt(Case c) {
        Node node = new NodeBuilder(node("node-1")).editSpec().withUnschedulable(c.unschedulable()).endSpec().build();
        Pod pod = new PodBuilder(pod("p")).editSpec().withTolerations(c.tolerations()).endSpec().build();

        Status status = plugin.filter(new CycleState(), pod, nodeInfo(node));

        if (c.fits()) {
            assertThat(status.isSuccess()).isTrue();
        } else {
            assertThat(status.code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
            assertThat(status.reasons()).containsExactly("node(s) were unschedulable");
        }
    }

    @Test
    void aNewNodeOrAnUncordonCanMakeARejectedPodFit() {
        assertThat(plugin.name()).isEqualTo("NodeUnschedulable");
        assertThat(plugin.events())
                .containsExactlyInAnyOrder(ClusterEvent.NODE_ADDED, ClusterEvent.NODE_SCHEDULABLE_CHANGED);
    }

    private static Toleration toleration(String key, String operator, String value, String effect) {
        return new TolerationBuilder().withKey(key).withOperator(operator).withValue(value).withEffect(effect).build();
    }
}
