package io.berth.scheduler.plugins.tainttoleration;

import io.berth.scheduler.framework.ClusterEvent;
import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.NodeInfo;
import io.berth.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
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

class TaintTolerationTest {

    private static final Taint GPU = taint("dedicated", "gpu", "NoSchedule");

    private final TaintToleration plugin = new TaintToleration();

    record FilterCase(String name, List<Taint> taints, List<Toleration> tolerations, String untolerated) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<FilterCase> filterCases() {
        return Stream.of(
                new FilterCase("a node without taints takes any pod", List.of(), List.of(), null),
                new FilterCase("an untolerated NoSchedule taint rejects the pod, naming the taint", List.of(GPU),
                        List.of(), "{dedicated: gpu}"),
                new FilterCase("an untolerated NoExecute taint rejects the pod",
                        List.of(taint("node.kubernetes.io/not-ready", null, "NoExecute")), List.of(),
                        "{node.kubernetes.io/not-ready: }"),
                new FilterCase("a PreferNoSchedule taint never rejects",
                        List.of(taint("dedicated", "gpu", "PreferNoSchedule")), List.of(), null),
                new FilterCase("Equal with the taint's value tolerates it", List.of(GPU),
                        List.of(toleration("dedicated", "Equal", "gpu", "NoSchedule")), null),
                new FilterCase("an empty operator means Equal", List.of(GPU),
                        List.of(toleration("dedicated", null, "gpu", "NoSchedule")), null),
                new FilterCase("Equal with another value does not tolerate it", List.of(GPU),
                        List.of(toleration("dedicated", "Equal", "cpu", "NoSchedule")), "{dedicated: gpu}"),
                new FilterCase("Exists ignores the value", List.of(GPU),
                        List.of(toleration("dedicated", "Exists", null, "NoSchedule")), null),
                new FilterCase("an empty key with Exists tolerates every taint", List.of(GPU),
                        List.of(toleration(null, "Exists", null, null)), null),
                new FilterCase("an empty effect tolerates every effect", List.of(GPU),
                        List.of(toleration("dedicated", "Exists", null, null)), null),
                new FilterCase("a toleration for another effect does not tolerate it", List.of(GPU),
                        List.of(toleration("dedicated", "Exists", null, "NoExecute")), "{dedicated: gpu}"),
                new FilterCase("a toleration for another key does not tolerate it", List.of(GPU),
                        List.of(toleration("team", "Exists", null, "NoSchedule")), "{dedicated: gpu}"),
                new FilterCase("an unknown operator tolerates nothing", List.of(GPU),
                        List.of(toleration("dedicated", "Gt", "1", "NoSchedule")), "{dedicated: gpu}"),
                new FilterCase("the first untolerated taint is the one named",
                        List.of(taint("a", "1", "NoSchedule"), taint("b", "2", "NoExecute")), List.of(), "{a: 1}"),
                new FilterCase("a tolerated taint is passed over for the next",
                        List.of(taint("a", "1", "NoSchedule"), taint("b", "2", "NoExecute")),
                        List.of(toleration("a", "Exists", null, null)), "{b: 2}"));
    }

    @ParameterizedTest
    @MethodSource("filterCases")
    void aPodFitsWhenItToleratesEveryNoScheduleAndNoExecuteTaint(FilterCase c) {
        Status status = plugin.filter(new CycleState(), withTolerations(c.tolerations()), tainted(c.taints()));

        if (c.untolerated() == null) {
            assertThat(status.isSuccess()).isTrue();
        } else {
            assertThat(status.code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
            assertThat(status.reasons()).containsExactly("node(s) had untolerated taint " + c.untolerated());
        }
    }

    record ScoreCase(String name, List<Taint> taints, List<Toleration> tolerations, long score) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<ScoreCase> scoreCases() {
        Taint a = taint("a", "1", "PreferNoSchedule");
        Taint b = taint("b", "2", "PreferNoSchedule");
        return Stream.of(
                new ScoreCase("a node without taints counts none", List.of(), List.of(), 0),
                new ScoreCase("each untolerated PreferNoSchedule taint counts", List.of(a, b), List.of(), 2),
                new ScoreCase("other effects do not count", List.of(GPU, taint("c", "3", "NoExecute")), List.of(),
                        0),
                new ScoreCase("a PreferNoSchedule toleration removes its taint from the count", List.of(a, b),
                        List.of(toleration("a", "Equal", "1", "PreferNoSchedule")), 1),
                new ScoreCase("a toleration without effect counts as PreferNoSchedule", List.of(a, b),
                        List.of(toleration("b", "Exists", null, null)), 1),
                new ScoreCase("a NoSchedule toleration does not help with PreferNoSchedule taints", List.of(a, b),
                        List.of(toleration("a", "Exists", null, "NoSchedule")), 2));
    }

    @ParameterizedTest
    @MethodSource("scoreCases")
    void aNodeScoresTheNumberOfPreferNoScheduleTaintsThePodDoesNotTolerate(ScoreCase c) {
        Pod pod = withTolerations(c.tolerations());
        NodeInfo node = tainted(c.taints());
        CycleState state = new CycleState();

        assertThat(plugin.preScore(state, pod, List.of(node)).isSuccess()).isTrue();

        assertThat(plugin.score(state, pod, node)).isEqualTo(c.score());
    }

    record NormalizeCase(String name, long[] raw, long[] normalized) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<NormalizeCase> normalizeCases() {
        return Stream.of(
                new NormalizeCase("the fewest intolerable taints get 100, the most get 0",
                        new long[] {0, 1, 2}, new long[] {100, 50, 0}),
                new NormalizeCase("scaling truncates before reversing", new long[] {1, 3}, new long[] {67, 0}),
                new NormalizeCase("no intolerable taints anywhere: every node gets 100", new long[] {0, 0},
                        new long[] {100, 100}),
                new NormalizeCase("the same count everywhere: every node gets 0", new long[] {2, 2},
                        new long[] {0, 0}));
    }

    @ParameterizedTest
    @MethodSource("normalizeCases")
    void fewerIntolerableTaintsScoreHigher(NormalizeCase c) {
        long[] scores = c.raw().clone();

        plugin.normalize(new CycleState(), pod("p"), List.of(), scores);

        assertThat(scores).containsExactly(c.normalized());
    }

    @Test
    void aNewNodeOrChangedTaintsCanMakeARejectedPodFit() {
        assertThat(plugin.name()).isEqualTo("TaintToleration");
        assertThat(plugin.events()).containsExactlyInAnyOrder(ClusterEvent.NODE_ADDED,
                ClusterEvent.NODE_TAINTS_CHANGED);
    }

    private static NodeInfo tainted(List<Taint> taints) {
        return nodeInfo(new NodeBuilder(node("node-1")).editSpec().withTaints(taints).endSpec().build());
    }

    private static Pod withTolerations(List<Toleration> tolerations) {
        return new PodBuilder(pod("p")).editSpec().withTolerations(tolerations).endSpec().build();
    }

    private static Taint taint(String key, String value, String effect) {
        return new TaintBuilder().withKey(key).withValue(value).withEffect(effect).build();
    }

    private static Toleration toleration(String key, String operator, String value, String effect) {
        return new TolerationBuilder().withKey(key).withOperator(operator).withValue(value).withEffect(effect).build();
    }
}
