package io.berth.scheduler.plugins.podtopologyspread;

import io.berth.scheduler.cache.SchedulerCache;
import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.Framework;
import io.berth.scheduler.framework.NodeInfo;
import io.berth.scheduler.framework.PostFilterPlugin;
import io.berth.scheduler.framework.Snapshot;
import io.berth.scheduler.framework.Status;
import io.berth.scheduler.plugins.Fixtures;
import io.berth.scheduler.plugins.defaultpreemption.DefaultPreemption;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static io.berth.scheduler.plugins.Fixtures.pod;
import static io.berth.scheduler.plugins.Fixtures.zonedNode;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PodTopologySpread's table: five nodes (n1 and n2 in zone a, n3 in zone b, n4 in zone c with a NoSchedule taint,
 * n5 without a zone label), pods placed on them, and what Filter says of each node for an incoming pod; then scores
 * and a preemption trial.
 */
class PodTopologySpreadTest {

    static final String ZONE = "topology.kubernetes.io/zone";
    static final String HOST = "kubernetes.io/hostname";
    static final String OK = "fits";
    static final String SKEW = PodTopologySpread.CONSTRAINTS_NOT_MATCH;
    static final String MISSING = PodTopologySpread.MISSING_LABEL;

    final PodTopologySpread plugin = new PodTopologySpread();

    record FilterCase(String name, Map<String, List<Pod>> placed, Pod incoming, Map<String, String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<FilterCase> filterCases() {
        Map<String, List<Pod>> webInAAndB = Map.of("n1", List.of(web("w1")), "n3", List.of(web("w2")));
        return Stream.of(
                new FilterCase("maxSkew 1 sends the pod to the emptiest zone", webInAAndB,
                        incoming(spread(1, ZONE)),
                        expect(SKEW, SKEW, SKEW, OK, MISSING)),
                new FilterCase("maxSkew 2 allows one more anywhere", webInAAndB,
                        incoming(spread(2, ZONE)),
                        expect(OK, OK, OK, OK, MISSING)),
                new FilterCase("a pod its own selector does not match adds nothing to the skew", webInAAndB,
                        new PodBuilder(incoming(spread(1, ZONE))).editMetadata().withLabels(Map.of("app", "other"))
                                .endMetadata().build(),
                        expect(OK, OK, OK, OK, MISSING)),
                new FilterCase("evenly spread zones take one more each",
                        Map.of("n1", List.of(web("w1")), "n3", List.of(web("w2")), "n4", List.of(web("w3"))),
                        incoming(spread(1, ZONE)),
                        expect(OK, OK, OK, OK, MISSING)),
                new FilterCase("fewer domains than minDomains count the minimum as 0",
                        Map.of("n1", List.of(web("w1")), "n3", List.of(web("w2")), "n4", List.of(web("w3"))),
                        incoming(spread(1, ZONE, c -> c.withMinDomains(4))),
                        expect(SKEW, SKEW, SKEW, SKEW, MISSING)),
                new FilterCase("node affinity is honoured: zone c, outside it, is no domain", webInAAndB,
                        requireZones(incoming(spread(1, ZONE)), "a", "b"),
                        expect(OK, OK, OK, OK, MISSING)),
                new FilterCase("nodeAffinityPolicy Ignore counts zone c too", webInAAndB,
                        requireZones(incoming(spread(1, ZONE, c -> c.withNodeAffinityPolicy("Ignore"))), "a", "b"),
                        expect(SKEW, SKEW, SKEW, OK, MISSING)),
                new FilterCase("nodeTaintsPolicy Honor leaves the tainted zone c out", webInAAndB,
                        incoming(spread(1, ZONE, c -> c.withNodeTaintsPolicy("Honor"))),
                        expect(OK, OK, OK, OK, MISSING)),
                new FilterCase("pods of other namespaces and terminating pods do not count",
                        Map.of("n1", List.of(new PodBuilder(web("w1")).editMetadata().withNamespace("other")
                                        .endMetadata().build()),
                                "n3", List.of(new PodBuilder(web("w2")).editMetadata()
                                        .withDeletionTimestamp(Instant.EPOCH.toString()).endMetadata().build())),
                        incoming(spread(1, ZONE)),
                        expect(OK, OK, OK, OK, MISSING)),
                new FilterCase("matchLabelKeys narrows the selector to the pod's own version",
                        Map.of("n1", List.of(labelled(web("w1"), "version", "v1")),
                                "n3", List.of(labelled(web("w2"), "version", "v2"))),
                        labelled(incoming(spread(1, ZONE, c -> c.withMatchLabelKeys("version"))), "version", "v2"),
                        expect(OK, OK, SKEW, OK, MISSING)),
                new FilterCase("per host: a host with a matching pod is one too many",
                        Map.of("n1", List.of(web("w1"))),
                        incoming(spread(1, HOST)),
                        expect(SKEW, OK, OK, OK, OK)),
                new FilterCase("every constraint must hold",
                        Map.of("n1", List.of(web("w1")), "n3", List.of(web("w2")), "n4", List.of(web("w3"))),
                        incoming(spread(1, ZONE), spread(1, HOST)),
                        expect(SKEW, OK, SKEW, SKEW, MISSING)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filterCases")
    void filter(FilterCase c) {
        List<NodeInfo> nodes = cluster(c.placed());
        CycleState state = new CycleState();
        Status pre = plugin.preFilter(state, c.incoming(), new Snapshot(nodes));
        assertThat(pre.isSuccess()).as(pre.message()).isTrue();
        Map<String, String> got = new LinkedHashMap<>();
        for (NodeInfo n : nodes) {
            Status s = plugin.filter(state, c.incoming(), n);
            got.put(n.name(), s.isSuccess() ? OK : s.message());
            if (!s.isSuccess()) {
                assertThat(s.code()).as(n.name()).isEqualTo(s.message().equals(MISSING)
                        ? Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE : Status.Code.UNSCHEDULABLE);
            }
        }
        assertThat(got).isEqualTo(c.expected());
    }

    @Test
    void scheduleAnywayConstraintsAndNoConstraintsSkipTheFilter() {
        Snapshot snapshot = new Snapshot(cluster(Map.of()));
        assertThat(plugin.preFilter(new CycleState(), incoming(spread(1, ZONE, c -> c.withWhenUnsatisfiable(
                "ScheduleAnyway"))), snapshot).isSkip()).isTrue();
        assertThat(plugin.preFilter(new CycleState(), web("p"), snapshot).isSkip()).isTrue();
    }

    @Test
    void countsKeptBetweenCyclesFollowPodsNodesAndLabelsAsTheCacheChanges() {
        SchedulerCache cache = new SchedulerCache(Clock.systemUTC(), Duration.ofMinutes(15));
        cache.addNode(zonedNode("n1", "a"));
        cache.addNode(zonedNode("n2", "a"));
        cache.addNode(zonedNode("n3", "b"));
        Pod w1 = bound(web("w1"), "n1");
        cache.addPod(w1);
        Pod p = incoming(spread(1, ZONE));
        assertThat(filterAll(cache.snapshot(), p)).isEqualTo(Map.of("n1", SKEW, "n2", SKEW, "n3", OK));

        cache.addPod(bound(web("w2"), "n3"));
        assertThat(filterAll(cache.snapshot(), p)).isEqualTo(Map.of("n1", OK, "n2", OK, "n3", OK));

        cache.removePod(w1);
        assertThat(filterAll(cache.snapshot(), p)).isEqualTo(Map.of("n1", OK, "n2", OK, "n3", SKEW));

        cache.addNode(zonedNode("n4", "c"));
        assertThat(filterAll(cache.snapshot(), p)).isEqualTo(Map.of("n1", OK, "n2", OK, "n3", SKEW, "n4", OK));

        // n4 moves to zone b, which holds w2: zone c is gone, b has one pod over a's none
        cache.updateNode(zonedNode("n4", "b"));
        assertThat(filterAll(cache.snapshot(), p)).isEqualTo(Map.of("n1", OK, "n2", OK, "n3", SKEW, "n4", SKEW));
    }

    private Map<String, String> filterAll(Snapshot snapshot, Pod pod) {
        CycleState state = new CycleState();
        assertThat(plugin.preFilter(state, pod, snapshot).isSuccess()).isTrue();
        Map<String, String> got = new HashMap<>();
        for (NodeInfo n : snapshot.nodes()) {
            Status s = plugin.filter(state, pod, n);
            got.put(n.name(), s.isSuccess() ? OK : s.message());
        }
        return got;
    }

    static Pod bound(Pod pod, String node) {
        return new PodBuilder(pod).editSpec().withNodeName(node).endSpec().build();
    }

    Map<String, Long> scores(Map<String, List<Pod>> placed, Pod incoming) {
        return Fixtures.scores(plugin, cluster(placed), incoming);
    }

    @Test
    void scheduleAnywayPrefersTheZonesWithFewerMatchingPods() {
        Map<String, Long> s = scores(Map.of("n1", List.of(web("w1")), "n2", List.of(web("w2")),
                        "n3", List.of(web("w3"))),
                incoming(spread(1, ZONE, c -> c.withWhenUnsatisfiable("ScheduleAnyway"))));
        // zone a: 2 × log(3 zones + 2) ≈ 3, b: ≈ 2, c: 0; the lowest gets 100; n5 lacks the key and gets 0
        assertThat(s).isEqualTo(Map.of("n1", 0L, "n2", 0L, "n3", 33L, "n4", 100L, "n5", 0L));
    }

    @Test
    void scheduleAnywayPerHostCountsEachNodesOwnPods() {
        Map<String, Long> s = scores(Map.of("n1", List.of(web("w1"), web("w2")), "n3", List.of(web("w3"))),
                incoming(spread(1, HOST, c -> c.withWhenUnsatisfiable("ScheduleAnyway"))));
        // n1: 2 × log(5 nodes + 2) ≈ 4, n3: ≈ 2, the rest 0
        assertThat(s).isEqualTo(Map.of("n1", 0L, "n2", 100L, "n3", 50L, "n4", 100L, "n5", 100L));
    }

    @Test
    void preemptionEvictsALowerPriorityPodThatUnbalancesTheSpread() {
        // two zones, minDomains 3: the minimum counts as 0, so a zone with one matching pod is full
        Pod low = withPriority(web("low"), 1);
        Pod high = withPriority(web("high"), 1000);
        List<NodeInfo> all = cluster(Map.of("n1", List.of(low), "n3", List.of(high)));
        List<NodeInfo> candidates = List.of(all.get(0), all.get(2));
        Pod incoming = withPriority(incoming(spread(1, ZONE, c -> c.withMinDomains(3))), 100);
        List<String> evicted = new ArrayList<>();
        Framework[] framework = new Framework[1];
        DefaultPreemption preemption = new DefaultPreemption(() -> framework[0], new DefaultPreemption.Actions() {
            @Override
            public void evict(Pod victim, Pod preemptor) {
                evicted.add(victim.getMetadata().getName());
            }

            @Override
            public void nominate(Pod preemptor, String node) {
            }
        });
        framework[0] = new Framework(List.of(plugin, preemption), Map.of());
        CycleState state = new CycleState();
        Snapshot snapshot = new Snapshot(candidates);
        assertThat(framework[0].runPreFilter(state, incoming, snapshot).isSuccess()).isTrue();
        Map<String, Status> rejections = new HashMap<>();
        for (NodeInfo n : candidates) {
            rejections.put(n.name(), framework[0].runFilters(state, incoming, n));
        }
        assertThat(rejections.values()).allMatch(s -> s.code() == Status.Code.UNSCHEDULABLE);
        PostFilterPlugin.Result r = framework[0].runPostFilter(state, incoming, snapshot, rejections);
        assertThat(r.nominatedNode()).isEqualTo("n1");
        assertThat(evicted).containsExactly("low");
    }

    // ---- fixtures

    static List<NodeInfo> cluster(Map<String, List<Pod>> placed) {
        Node tainted = new NodeBuilder(zonedNode("n4", "c")).editSpec().addNewTaint().withKey("dedicated")
                .withValue("x").withEffect("NoSchedule").endTaint().endSpec().build();
        return Fixtures.cluster(List.of(zonedNode("n1", "a"), zonedNode("n2", "a"), zonedNode("n3", "b"), tainted,
                zonedNode("n5", null)), placed);
    }

    static Map<String, String> expect(String... perNode) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < perNode.length; i++) {
            m.put("n" + (i + 1), perNode[i]);
        }
        return m;
    }

    static Pod web(String name) {
        return new PodBuilder(pod(name)).editMetadata().withLabels(Map.of("app", "web")).endMetadata().build();
    }

    static Pod labelled(Pod pod, String key, String value) {
        return new PodBuilder(pod).editMetadata().addToLabels(key, value).endMetadata().build();
    }

    static Pod withPriority(Pod pod, int priority) {
        return new PodBuilder(pod).editSpec().withPriority(priority).endSpec().build();
    }

    static Pod incoming(TopologySpreadConstraint... constraints) {
        return new PodBuilder(web("p")).editSpec().withTopologySpreadConstraints(constraints).endSpec().build();
    }

    static Pod requireZones(Pod pod, String... zones) {
        return new PodBuilder(pod).editSpec().withNewAffinity().withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution().addNewNodeSelectorTerm()
                .addNewMatchExpression().withKey(ZONE).withOperator("In").withValues(zones).endMatchExpression()
                .endNodeSelectorTerm().endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity()
                .endAffinity().endSpec().build();
    }

    static TopologySpreadConstraint spread(int maxSkew, String key) {
        return spread(maxSkew, key, UnaryOperator.identity());
    }

    static TopologySpreadConstraint spread(int maxSkew, String key,
                                           UnaryOperator<TopologySpreadConstraintBuilder> edit) {
        return edit.apply(new TopologySpreadConstraintBuilder().withMaxSkew(maxSkew).withTopologyKey(key)
                .withWhenUnsatisfiable("DoNotSchedule").withNewLabelSelector().addToMatchLabels("app", "web")
                .endLabelSelector()).build();
    }
}
