package io.berth.controller.nodelifecycle;

import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.berth.controller.nodelifecycle.Fixtures.T0;
import static io.berth.controller.nodelifecycle.Fixtures.at;
import static io.berth.controller.nodelifecycle.Fixtures.condition;
import static io.berth.controller.nodelifecycle.Fixtures.node;
import static io.berth.controller.nodelifecycle.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

class NodeStatusPlanTest {

    @Test
    void aReadyNodeWhoseKubeletStoppedHasEveryKubeletConditionUnknown() {
        List<NodeCondition> conditions = node("n1", "True", T0).getStatus().getConditions();

        NodeStatusPlan.StatusChange change = NodeStatusPlan.unknown(conditions, Times.format(T0), at(50));

        assertThat(change.becameNotReady()).isTrue();
        assertThat(change.conditions()).hasSize(4).allSatisfy(c -> {
            assertThat(c.getStatus()).isEqualTo("Unknown");
            assertThat(c.getReason()).isEqualTo("NodeStatusUnknown");
            assertThat(c.getMessage()).isEqualTo("Kubelet stopped posting node status.");
            assertThat(c.getLastTransitionTime()).isEqualTo(Times.format(at(50)));
            assertThat(c.getLastHeartbeatTime()).isEqualTo(Times.format(T0));
        });
    }

    @Test
    void aNodeThatWasNotReadyTurnsUnknownWithoutBeingReportedAsANewlyNotReadyNode() {
        List<NodeCondition> conditions = node("n1", "False", T0).getStatus().getConditions();

        NodeStatusPlan.StatusChange change = NodeStatusPlan.unknown(conditions, Times.format(T0), at(50));

        assertThat(change.becameNotReady()).isFalse();
        assertThat(NodeStatusPlan.condition(change.conditions(), "Ready").getStatus()).isEqualTo("Unknown");
    }

    @Test
    void aNodeAlreadyUnknownNeedsNoWrite() {
        List<NodeCondition> conditions = NodeStatusPlan.unknown(node("n1", "True", T0).getStatus().getConditions(),
                Times.format(T0), at(50)).conditions();

        assertThat(NodeStatusPlan.unknown(conditions, Times.format(T0), at(60))).isNull();
    }

    @Test
    void missingKubeletConditionsAreAddedAsNeverUpdatedAndOtherConditionsAreKept() {
        NodeCondition network = condition("NetworkUnavailable", "False", T0);

        NodeStatusPlan.StatusChange change = NodeStatusPlan.unknown(List.of(network), Times.format(T0), at(70));

        assertThat(change.conditions()).extracting(NodeCondition::getType)
                .containsExactly("NetworkUnavailable", "Ready", "MemoryPressure", "DiskPressure", "PIDPressure");
        assertThat(change.conditions().get(0)).isEqualTo(network);
        assertThat(change.conditions().subList(1, 5)).allSatisfy(c -> {
            assertThat(c.getStatus()).isEqualTo("Unknown");
            assertThat(c.getReason()).isEqualTo("NodeStatusNeverUpdated");
            assertThat(c.getMessage()).isEqualTo("Kubelet never posted node status.");
            assertThat(c.getLastHeartbeatTime()).isEqualTo(Times.format(T0));
        });
        assertThat(change.becameNotReady()).isFalse();
    }

    @Test
    void podsThatAreReadyBecomeNotReadyAndOthersAreLeftAlone() {
        Pod ready = pod("ready", "n1");
        Pod notReady = new PodBuilder(pod("not-ready", "n1")).editStatus().editFirstCondition().withStatus("False")
                .endCondition().endStatus().build();
        Pod noCondition = new PodBuilder(pod("pending", "n1")).editStatus().withConditions().endStatus().build();
        Pod elsewhere = pod("elsewhere", "n2");

        List<NodeStatusPlan.PodReadiness> changes = NodeStatusPlan.podsNotReady("n1",
                List.of(ready, notReady, noCondition, elsewhere), at(50));

        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.pod()).isSameAs(ready);
            assertThat(c.ready().getType()).isEqualTo("Ready");
            assertThat(c.ready().getStatus()).isEqualTo("False");
            assertThat(c.ready().getLastTransitionTime()).isEqualTo(Times.format(at(50)));
        });
    }
}
