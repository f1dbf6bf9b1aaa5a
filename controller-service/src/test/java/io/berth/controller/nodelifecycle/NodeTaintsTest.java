package io.berth.controller.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static io.berth.controller.nodelifecycle.Fixtures.T0;
import static io.berth.controller.nodelifecycle.Fixtures.at;
import static io.berth.controller.nodelifecycle.Fixtures.condition;
import static io.berth.controller.nodelifecycle.Fixtures.node;
import static io.berth.controller.nodelifecycle.Fixtures.taint;
import static io.berth.controller.nodelifecycle.NodeTaints.NOT_READY;
import static io.berth.controller.nodelifecycle.NodeTaints.UNREACHABLE;
import static org.assertj.core.api.Assertions.assertThat;

class NodeTaintsTest {

    private static final Instant NOW = at(100);
    private static final Taint USER = taint("dedicated", "gpu", "NoSchedule", null);
    private static final Taint USER_NO_EXECUTE = taint("maintenance", "now", "NoExecute", at(5));

    record Case(String name, Node node, List<Taint> taints, Taint waiting) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("a Ready node without taints keeps none", node("n", "True", T0), List.of(), null),
                new Case("a NotReady node is not-ready:NoSchedule at once and waits for not-ready:NoExecute",
                        node("n", "False", T0), List.of(taint(NOT_READY, "NoSchedule")),
                        taint(NOT_READY, null, "NoExecute", NOW)),
                new Case("an unreachable node is unreachable:NoSchedule at once and waits for unreachable:NoExecute",
                        node("n", "Unknown", T0), List.of(taint(UNREACHABLE, "NoSchedule")),
                        taint(UNREACHABLE, null, "NoExecute", NOW)),
                new Case("a tainted node turning unreachable swaps not-ready for unreachable without waiting",
                        node("n", "Unknown", T0, taint(NOT_READY, "NoSchedule"),
                                taint(NOT_READY, null, "NoExecute", at(10))),
                        List.of(taint(UNREACHABLE, "NoSchedule"), taint(UNREACHABLE, null, "NoExecute", NOW)), null),
                new Case("a tainted node turning NotReady swaps unreachable for not-ready without waiting",
                        node("n", "False", T0, taint(UNREACHABLE, "NoSchedule"),
                                taint(UNREACHABLE, null, "NoExecute", at(10))),
                        List.of(taint(NOT_READY, "NoSchedule"), taint(NOT_READY, null, "NoExecute", NOW)), null),
                new Case("a node tainted for its condition already keeps the taint and its timeAdded",
                        node("n", "Unknown", T0, taint(UNREACHABLE, "NoSchedule"),
                                taint(UNREACHABLE, null, "NoExecute", at(10))),
                        List.of(taint(UNREACHABLE, "NoSchedule"), taint(UNREACHABLE, null, "NoExecute", at(10))),
                        null),
                new Case("a node Ready again loses the controller's taints and keeps its owner's",
                        node("n", "True", T0, USER, taint(UNREACHABLE, "NoSchedule"),
                                taint(UNREACHABLE, null, "NoExecute", at(10)), USER_NO_EXECUTE),
                        List.of(USER, USER_NO_EXECUTE), null),
                new Case("memory pressure is a NoSchedule taint", withCondition(node("n", "True", T0),
                        "MemoryPressure", "True"), List.of(taint("node.kubernetes.io/memory-pressure",
                        "NoSchedule")), null),
                new Case("disk and PID pressure and an unavailable network are NoSchedule taints",
                        withCondition(withCondition(withCondition(node("n", "True", T0), "DiskPressure", "True"),
                                "PIDPressure", "True"), "NetworkUnavailable", "True"),
                        List.of(taint("node.kubernetes.io/disk-pressure", "NoSchedule"),
                                taint("node.kubernetes.io/pid-pressure", "NoSchedule"),
                                taint("node.kubernetes.io/network-unavailable", "NoSchedule")), null),
                new Case("pressure that passed lifts its taint", node("n", "True", T0,
                        taint("node.kubernetes.io/memory-pressure", "NoSchedule")), List.of(), null),
                new Case("a cordoned node is unschedulable:NoSchedule", new NodeBuilder(node("n", "True", T0))
                        .editSpec().withUnschedulable(true).endSpec().build(),
                        List.of(taint("node.kubernetes.io/unschedulable", "NoSchedule")), null),
                new Case("a node without a Ready condition gets no NoExecute taint",
                        new NodeBuilder(node("n", "True", T0)).editStatus().withConditions().endStatus().build(),
                        List.of(), null));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void taintsMirrorTheNodesConditions(Case c) {
        NodeTaints.Plan plan = NodeTaints.plan(c.node(), NOW);

        assertThat(plan.taints()).containsExactlyInAnyOrderElementsOf(c.taints());
        assertThat(plan.noExecute()).isEqualTo(c.waiting());
    }

    @Test
    void anAdmittedNodeGetsTheWaitingNoExecuteTaintToo() {
        NodeTaints.Plan plan = NodeTaints.plan(node("n", "Unknown", T0, USER), NOW);

        assertThat(plan.admitted()).containsExactly(USER, taint(UNREACHABLE, "NoSchedule"),
                taint(UNREACHABLE, null, "NoExecute", NOW));
    }

    @Test
    void thePlanOfANodeAlreadyAsItShouldBeChangesNothing() {
        Node tainted = node("n", "Unknown", T0, taint(UNREACHABLE, "NoSchedule"),
                taint(UNREACHABLE, null, "NoExecute", at(10)));

        assertThat(NodeTaints.plan(tainted, NOW).taints()).isEqualTo(tainted.getSpec().getTaints());
    }

    private static Node withCondition(Node node, String type, String status) {
        return new NodeBuilder(node).editStatus().removeMatchingFromConditions(c -> c.getType().equals(type))
                .addToConditions(condition(type, status, T0)).endStatus().build();
    }
}
