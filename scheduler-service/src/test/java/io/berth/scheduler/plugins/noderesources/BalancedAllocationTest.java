package io.berth.scheduler.plugins.noderesources;

import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.NodeInfo;
import io.berth.scheduler.framework.Status;
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

class BalancedAllocationTest {

    private final BalancedAllocation plugin = new BalancedAllocation();

    record Case(String name, Pod pod, NodeInfo node, long score) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        Pod p = pod("p", "cpu", "3", "memory", "5000");
        return Stream.of(
                new Case("cpu 3/4 and memory 1/2: std 0.125, score 87", p,
                        nodeInfo(node("small", "cpu", "4", "memory", "10000")), 87),
                new Case("cpu and memory both half used: perfectly balanced", p,
                        nodeInfo(node("large", "cpu", "6", "memory", "10000")), 100),
                new Case("pods already there count: cpu 1/2, memory 2/5", pod("p", "cpu", "1", "memory", "2000"),
                        nodeInfo(node("busy", "cpu", "4", "memory", "10000"),
                                pod("running", "cpu", "1", "memory", "2000")), 95),
                new Case("a share above the node's allocatable counts as all of it",
                        pod("p", "cpu", "5", "memory", "5000"),
                        nodeInfo(node("small", "cpu", "4", "memory", "10000")), 75),
                new Case("a pod asking for cpu only leaves memory at zero", pod("p", "cpu", "2"),
                        nodeInfo(node("small", "cpu", "4", "memory", "10000")), 75),
                new Case("pods without requests add nothing, unlike Fit's non-zero defaults",
                        pod("p", "cpu", "2", "memory", "5000"),
                        nodeInfo(node("small", "cpu", "4", "memory", "10000"), pod("best-effort")), 100),
                new Case("with one resource on the node there is nothing to balance", p,
                        nodeInfo(node("cpu-only", "cpu", "4")), 100));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void nodesScoreByHowEvenlyCpuAndMemoryWouldBeUsed(Case c) {
        CycleState state = new CycleState();

        assertThat(plugin.preScore(state, c.pod(), List.of(c.node())).isSuccess()).isTrue();

        assertThat(plugin.score(state, c.pod(), c.node())).isEqualTo(c.score());
    }

    @Test
    void aPodWithoutCpuOrMemoryRequestsIsNotScored() {
        Pod bestEffort = pod("p");
        NodeInfo node = nodeInfo(node("small", "cpu", "4", "memory", "10000"));

        Status status = plugin.preScore(new CycleState(), bestEffort, List.of(node));

        assertThat(status.isSkip()).isTrue();
        assertThat(plugin.name()).isEqualTo("NodeResourcesBalancedAllocation");
    }
}
