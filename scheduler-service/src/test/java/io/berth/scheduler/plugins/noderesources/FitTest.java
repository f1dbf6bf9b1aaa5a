package io.berth.scheduler.plugins.noderesources;

import io.berth.scheduler.framework.ClusterEvent;
import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.NodeInfo;
import io.berth.scheduler.framework.Snapshot;
import io.berth.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.berth.scheduler.plugins.Fixtures.node;
import static io.berth.scheduler.plugins.Fixtures.nodeInfo;
import static io.berth.scheduler.plugins.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

class FitTest {

    /** 4 cpus, 8Gi, 10Gi of disk, 2 GPUs, room for 3 pods; one pod on it already asks for 1 cpu, 2Gi and 1 GPU. */
    private static final Node NODE = node("node-1", "cpu", "4", "memory", "8Gi", "ephemeral-storage", "10Gi",
            "example.com/gpu", "2", "pods", "3");
    private static final Pod RUNNING = pod("running", "cpu", "1", "memory", "2Gi", "example.com/gpu", "1");

    record FilterCase(String name, Pod pod, Pod[] alreadyThere, Status.Code code, List<String> reasons) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<FilterCase> filterCases() {
        Pod[] one = {RUNNING};
        Pod[] full = {RUNNING, pod("a"), pod("b")};
        return Stream.of(
                new FilterCase("a pod within what is left fits", pod("p", "cpu", "2", "memory", "4Gi"), one,
                        Status.Code.SUCCESS, List.of()),
                new FilterCase("a pod taking exactly what is left fits",
                        pod("p", "cpu", "3", "memory", "6Gi", "ephemeral-storage", "10Gi", "example.com/gpu", "1"),
                        one, Status.Code.SUCCESS, List.of()),
                new FilterCase("a pod without requests fits while there is room for a pod", pod("p"), one,
                        Status.Code.SUCCESS, List.of()),
                new FilterCase("a pod without requests does not fit a node at its pod limit", pod("p"), full,
                        Status.Code.UNSCHEDULABLE, List.of("Too many pods")),
                new FilterCase("too much cpu", pod("p", "cpu", "3500m"), one, Status.Code.UNSCHEDULABLE,
                        List.of("Insufficient cpu")),
                new FilterCase("too much memory", pod("p", "memory", "7Gi"), one, Status.Code.UNSCHEDULABLE,
                        List.of("Insufficient memory")),
                new FilterCase("too much disk", pod("p", "ephemeral-storage", "11Gi"), one,
                        Status.Code.UNSCHEDULABLE, List.of("Insufficient ephemeral-storage")),
                new FilterCase("too many GPUs", pod("p", "example.com/gpu", "2"), one, Status.Code.UNSCHEDULABLE,
                        List.of("Insufficient example.com/gpu")),
                new FilterCase("an extended resource the node does not have", pod("p", "example.com/fpga", "1"), one,
                        Status.Code.UNSCHEDULABLE, List.of("Insufficient example.com/fpga")),
                new FilterCase("a resource requested at zero never rejects", pod("p", "example.com/fpga", "0"), one,
                        Status.Code.SUCCESS, List.of()),
                new FilterCase("every shortfall is a reason, pods first, extended resources by name",
                        pod("p", "example.com/gpu", "2", "cpu", "4", "memory", "8Gi", "ephemeral-storage", "20Gi",
                                "example.com/fpga", "1"),
                        full, Status.Code.UNSCHEDULABLE,
                        List.of("Too many pods", "Insufficient cpu", "Insufficient memory",
                                "Insufficient ephemeral-storage", "Insufficient example.com/fpga",
                                "Insufficient example.com/gpu")));
    }

    @ParameterizedTest
    @MethodSource("filterCases")
    void aPodFitsWhenTheNodeHasRoomForEveryRequest(FilterCase c) {
        Fit fit = new Fit();
        CycleState state = new CycleState();

        assertThat(fit.preFilter(state, c.pod(), new Snapshot(List.of())).isSuccess()).isTrue();
        Status status = fit.filter(state, c.pod(), nodeInfo(NODE, c.alreadyThere()));

        assertThat(status.code()).isEqualTo(c.code());
        assertThat(status.reasons()).isEqualTo(c.reasons());
    }

    record ScoreCase(String name, ScoringStrategy strategy, Pod pod, NodeInfo node, long score) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<ScoreCase> scoreCases() {
        // Kubernetes' least_allocated_test and most_allocated_test figures: memory in bytes.
        Pod p = pod("p", "cpu", "3", "memory", "5000");
        NodeInfo small = nodeInfo(node("small", "cpu", "4", "memory", "10000"));
        NodeInfo large = nodeInfo(node("large", "cpu", "6", "memory", "10000"));
        NodeInfo busy = nodeInfo(node("busy", "cpu", "4", "memory", "10000"),
                pod("running", "cpu", "1", "memory", "2000"));
        ScoringStrategy least = ScoringStrategy.LEAST_ALLOCATED;
        ScoringStrategy most = ScoringStrategy.MOST_ALLOCATED;
        return Stream.of(
                new ScoreCase("least allocated: (cpu 25 + memory 50) / 2", least, p, small, 37),
                new ScoreCase("least allocated: a larger node scores higher", least, p, large, 50),
                new ScoreCase("least allocated: pods already there count", least,
                        pod("p", "cpu", "1", "memory", "2000"), busy, 55),
                new ScoreCase("least allocated: a pod without requests counts 100m and 200Mi", least, pod("p"),
                        nodeInfo(node("n", "cpu", "1", "memory", "1Gi")), (90 + 80) / 2),
                new ScoreCase("least allocated: more than the node has scores zero", least,
                        pod("p", "cpu", "8", "memory", "20000"), small, 0),
                new ScoreCase("least allocated: a resource the node has none of is left out", least, p,
                        nodeInfo(node("cpu-only", "cpu", "4")), 25),
                new ScoreCase("least allocated: a node with neither resource scores zero", least, p,
                        nodeInfo(node("bare")), 0),
                new ScoreCase("most allocated: (cpu 75 + memory 50) / 2", most, p, small, 62),
                new ScoreCase("most allocated: a larger node scores lower", most, p, large, 50),
                new ScoreCase("most allocated: pods already there count", most,
                        pod("p", "cpu", "1", "memory", "2000"), busy, 45),
                new ScoreCase("most allocated: more than the node has is full, not more", most,
                        pod("p", "cpu", "8", "memory", "20000"), small, 100));
    }

    @ParameterizedTest
    @MethodSource("scoreCases")
    void nodesScoreByTheStrategyOverNonZeroRequests(ScoreCase c) {
        Fit fit = new Fit(c.strategy());
        CycleState state = new CycleState();

        assertThat(fit.preScore(state, c.pod(), List.of(c.node())).isSuccess()).isTrue();

        assertThat(fit.score(state, c.pod(), c.node())).isEqualTo(c.score());
    }

    @Test
    void leastAllocatedIsTheDefaultStrategy() {
        Pod p = pod("p", "cpu", "3", "memory", "5000");
        NodeInfo small = nodeInfo(node("small", "cpu", "4", "memory", "10000"));

        assertThat(new Fit().score(new CycleState(), p, small)).isEqualTo(37);
    }

    @Test
    void aLeavingPodANewNodeOrMoreAllocatableCanMakeRoom() {
        Fit fit = new Fit();
        assertThat(fit.name()).isEqualTo("NodeResourcesFit");
        assertThat(fit.events()).containsExactlyInAnyOrder(ClusterEvent.ASSIGNED_POD_DELETED,
                ClusterEvent.NODE_ADDED, ClusterEvent.NODE_ALLOCATABLE_CHANGED);
    }
}
