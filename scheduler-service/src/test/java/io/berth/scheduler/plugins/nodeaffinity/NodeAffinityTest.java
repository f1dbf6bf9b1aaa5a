package io.berth.scheduler.plugins.nodeaffinity;

import io.berth.scheduler.framework.ClusterEvent;
import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.NodeInfo;
import io.berth.scheduler.framework.Snapshot;
import io.berth.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTermBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.berth.scheduler.plugins.Fixtures.node;
import static io.berth.scheduler.plugins.Fixtures.nodeInfo;
import static io.berth.scheduler.plugins.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

class NodeAffinityTest {

    private static final Map<String, String> LABELS = Map.of("zone", "a", "disk", "ssd", "cores", "8");

    private final NodeAffinity plugin = new NodeAffinity();

    record FilterCase(String name, Map<String, String> nodeSelector, List<NodeSelectorTerm> requiredTerms,
                      boolean fits) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<FilterCase> filterCases() {
        Map<String, String> none = Map.of();
        return Stream.of(
                new FilterCase("a nodeSelector matching every label fits", Map.of("zone", "a", "disk", "ssd"), null,
                        true),
                new FilterCase("a nodeSelector label the node lacks does not fit", Map.of("gpu", "true"), null,
                        false),
                new FilterCase("a nodeSelector value that differs does not fit", Map.of("zone", "b"), null, false),
                new FilterCase("In with the node's value fits", none, List.of(term(expr("zone", "In", "b", "a"))),
                        true),
                new FilterCase("In without the node's value does not fit", none,
                        List.of(term(expr("zone", "In", "b"))), false),
                new FilterCase("In on a label the node lacks does not fit", none,
                        List.of(term(expr("gpu", "In", "true"))), false),
                new FilterCase("NotIn fits a node without the label", none,
                        List.of(term(expr("gpu", "NotIn", "true"))), true),
                new FilterCase("NotIn does not fit a node with a listed value", none,
                        List.of(term(expr("zone", "NotIn", "a"))), false),
                new FilterCase("Exists fits a node with the label", none, List.of(term(expr("disk", "Exists"))),
                        true),
                new FilterCase("DoesNotExist does not fit a node with the label", none,
                        List.of(term(expr("disk", "DoesNotExist"))), false),
                new FilterCase("Gt compares integers: 8 > 4", none, List.of(term(expr("cores", "Gt", "4"))), true),
                new FilterCase("Gt compares integers, not strings: 8 > 10 is false", none,
                        List.of(term(expr("cores", "Gt", "10"))), false),
                new FilterCase("Lt compares integers: 8 < 10", none, List.of(term(expr("cores", "Lt", "10"))), true),
                new FilterCase("Gt on a label that is not an integer does not fit", none,
                        List.of(term(expr("zone", "Gt", "1"))), false),
                new FilterCase("Gt on a label the node lacks does not fit", none,
                        List.of(term(expr("memory-gb", "Lt", "100"))), false),
                new FilterCase("a term with a Gt value that is not an integer matches nothing", none,
                        List.of(term(expr("cores", "Gt", "four"))), false),
                new FilterCase("a term with In and no values matches nothing", none,
                        List.of(term(expr("zone", "In"))), false),
                new FilterCase("a term with an unknown operator matches nothing", none,
                        List.of(term(expr("zone", "Like", "a"))), false),
                new FilterCase("expressions within a term are ANDed", none,
                        List.of(term(expr("zone", "In", "a"), expr("disk", "In", "hdd"))), false),
                new FilterCase("terms are ORed", none,
                        List.of(term(expr("zone", "In", "b")), term(expr("disk", "In", "ssd"))), true),
                new FilterCase("an invalid term does not stop a valid one from matching", none,
                        List.of(term(expr("zone", "In")), term(expr("zone", "In", "a"))), true),
                new FilterCase("an empty list of terms matches nothing", none, List.of(), false),
                new FilterCase("an empty term matches nothing", none, List.of(new NodeSelectorTerm()), false),
                new FilterCase("an empty term does not stop another from matching", none,
                        List.of(new NodeSelectorTerm(), term(expr("zone", "Exists"))), true),
                new FilterCase("matchFields In with the node's name fits", none,
                        List.of(fieldTerm(expr("metadata.name", "In", "node-1"))), true),
                new FilterCase("matchFields In with another name does not fit", none,
                        List.of(fieldTerm(expr("metadata.name", "In", "node-2"))), false),
                new FilterCase("matchFields NotIn with the node's name does not fit", none,
                        List.of(fieldTerm(expr("metadata.name", "NotIn", "node-1"))), false),
                new FilterCase("matchFields takes exactly one value", none,
                        List.of(fieldTerm(expr("metadata.name", "In", "node-1", "node-2"))), false),
                new FilterCase("the nodeSelector and the required terms must both match", Map.of("zone", "b"),
                        List.of(term(expr("disk", "Exists"))), false),
                new FilterCase("the nodeSelector and the required terms both matching fits", Map.of("zone", "a"),
                        List.of(term(expr("disk", "Exists"))), true));
    }

    @ParameterizedTest
    @MethodSource("filterCases")
    void aPodFitsNodesMatchingItsSelectorAndOneRequiredTerm(FilterCase c) {
        NodeSelector required = c.requiredTerms() == null ? null : new NodeSelector(c.requiredTerms());
        Pod pod = new PodBuilder(pod("p")).editSpec().withNodeSelector(c.nodeSelector())
                .withNewAffinity().withNewNodeAffinity().withRequiredDuringSchedulingIgnoredDuringExecution(required)
                .endNodeAffinity().endAffinity().endSpec().build();
        CycleState state = new CycleState();

        assertThat(plugin.preFilter(state, pod, new Snapshot(List.of())).isSuccess()).isTrue();
        Status status = plugin.filter(state, pod, nodeInfo(labelled("node-1", LABELS)));

        if (c.fits()) {
            assertThat(status.isSuccess()).isTrue();
        } else {
            assertThat(status.code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
            assertThat(status.reasons()).containsExactly("node(s) didn't match Pod's node affinity/selector");
        }
    }

    @Test
    void aPodWithoutSelectorOrRequiredAffinitySkipsTheFilter() {
        Pod pod = pod("p");

        assertThat(plugin.preFilter(new CycleState(), pod, new Snapshot(List.of())).isSkip()).isTrue();
        assertThat(plugin.filter(new CycleState(), pod, nodeInfo(node("bare"))).isSuccess()).isTrue();
    }

    record ScoreCase(String name, Map<String, String> nodeLabels, long score) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Weights 2 (zone a), 5 (an ssd), 0 (ignored) and an empty term (ignored). */
    private static final List<PreferredSchedulingTerm> PREFERRED = List.of(
            preferred(2, term(expr("zone", "In", "a"))),
            preferred(5, term(expr("disk", "In", "ssd"))),
            preferred(0, term(expr("zone", "Exists"))),
            preferred(3, new NodeSelectorTerm()));

    static Stream<ScoreCase> scoreCases() {
        return Stream.of(
                new ScoreCase("a node matching no preferred term scores zero", Map.of("zone", "b"), 0),
                new ScoreCase("a node scores the weight of the term it matches", Map.of("zone", "a"), 2),
                new ScoreCase("a node scores the sum of the weights of the terms it matches", LABELS, 7));
    }

    @ParameterizedTest
    @MethodSource("scoreCases")
    void aNodeScoresTheWeightsOfThePreferredTermsItMatches(ScoreCase c) {
        Pod pod = withPreferred(PREFERRED);
        NodeInfo node = nodeInfo(labelled("node-1", c.nodeLabels()));
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
                new NormalizeCase("the best node gets 100 and the others their share of it",
                        new long[] {7, 2, 0}, new long[] {100, 28, 0}),
                new NormalizeCase("equal scores all get 100", new long[] {3, 3}, new long[] {100, 100}),
                new NormalizeCase("all zero stays zero", new long[] {0, 0}, new long[] {0, 0}));
    }

    @ParameterizedTest
    @MethodSource("normalizeCases")
    void scoresAreScaledSoTheBestNodeGetsTheMaximum(NormalizeCase c) {
        long[] scores = c.raw().clone();

        plugin.normalize(new CycleState(), pod("p"), List.of(), scores);

        assertThat(scores).containsExactly(c.normalized());
    }

    @Test
    void aPodWithoutPreferredTermsIsNotScored() {
        assertThat(plugin.preScore(new CycleState(), pod("p"), List.of()).isSkip()).isTrue();
    }

    @Test
    void aPreferredTermThatDoesNotParseIsAnError() {
        Pod pod = withPreferred(List.of(preferred(1, term(expr("cores", "Gt", "many")))));

        Status status = plugin.preScore(new CycleState(), pod, List.of());

        assertThat(status.code()).isEqualTo(Status.Code.ERROR);
        assertThat(status.message()).contains("for 'Gt', 'Lt' operators, the value must be an integer");
    }

    @Test
    void aNewNodeOrNewLabelsCanMakeARejectedPodFit() {
        assertThat(plugin.name()).isEqualTo("NodeAffinity");
        assertThat(plugin.events())
                .containsExactlyInAnyOrder(ClusterEvent.NODE_ADDED, ClusterEvent.NODE_LABELS_CHANGED);
    }

    private static Pod withPreferred(List<PreferredSchedulingTerm> terms) {
        return new PodBuilder(pod("p")).editSpec().withNewAffinity().withNewNodeAffinity()
                .withPreferredDuringSchedulingIgnoredDuringExecution(terms).endNodeAffinity().endAffinity().endSpec()
                .build();
    }

    private static Node labelled(String name, Map<String, String> labels) {
        return new NodeBuilder(node(name)).editMetadata().withLabels(labels).endMetadata().build();
    }

    private static PreferredSchedulingTerm preferred(int weight, NodeSelectorTerm term) {
        return new PreferredSchedulingTermBuilder().withWeight(weight).withPreference(term).build();
    }

    private static NodeSelectorTerm term(NodeSelectorRequirement... expressions) {
        return new NodeSelectorTermBuilder().withMatchExpressions(expressions).build();
    }

    private static NodeSelectorTerm fieldTerm(NodeSelectorRequirement... fields) {
        return new NodeSelectorTermBuilder().withMatchFields(fields).build();
    }

    private static NodeSelectorRequirement expr(String key, String operator, String... values) {
        return new NodeSelectorRequirementBuilder().withKey(key).withOperator(operator).withValues(values).build();
    }
}
