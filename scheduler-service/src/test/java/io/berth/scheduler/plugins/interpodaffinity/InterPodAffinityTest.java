package io.berth.scheduler.plugins.interpodaffinity;

import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.Framework;
import io.berth.scheduler.framework.Namespaces;
import io.berth.scheduler.framework.NodeInfo;
import io.berth.scheduler.framework.PostFilterPlugin;
import io.berth.scheduler.framework.Snapshot;
import io.berth.scheduler.framework.Status;
import io.berth.scheduler.plugins.Fixtures;
import io.berth.scheduler.plugins.defaultpreemption.DefaultPreemption;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.berth.scheduler.plugins.Fixtures.pod;
import static io.berth.scheduler.plugins.Fixtures.zonedNode;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * InterPodAffinity's table: four nodes (n1 and n2 in zone a, n3 in zone b, n4 without a zone label), pods placed on
 * them, and what Filter says of each node for an incoming pod; then scores and a preemption trial.
 */
class InterPodAffinityTest {

    static final String ZONE = "topology.kubernetes.io/zone";
    static final String HOST = "kubernetes.io/hostname";
    static final String OK = "fits";

    static final Namespaces NAMESPACES = Namespaces.of(Map.of(
            "default", Map.of(),
            "blue-ns", Map.of("team", "blue"),
            "red-ns", Map.of("team", "red")));

    final InterPodAffinity plugin = new InterPodAffinity(NAMESPACES);

    /** One row: pods placed as node → pods, the incoming pod, and per node "fits" or the expected reason. */
    record FilterCase(String name, Map<String, List<Pod>> placed, Pod incoming, Map<String, String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<FilterCase> filterCases() {
        return Stream.of(
                new FilterCase("required affinity goes to the zone of a matching pod",
                        Map.of("n1", List.of(labelled("db", "default", "app", "db"))),
                        with(labelled("p", "default", "app", "web"), affinity(term(ZONE, "app", "db"))),
                        expect(OK, OK, InterPodAffinity.AFFINITY_NOT_MATCH, InterPodAffinity.AFFINITY_NOT_MATCH)),
                new FilterCase("the first pod of a group with affinity to itself goes anywhere with the key",
                        Map.of(),
                        with(labelled("p", "default", "app", "db"), affinity(term(ZONE, "app", "db"))),
                        expect(OK, OK, OK, InterPodAffinity.AFFINITY_NOT_MATCH)),
                new FilterCase("affinity to pods that do not exist, not matching itself, goes nowhere",
                        Map.of(),
                        with(labelled("p", "default", "app", "web"), affinity(term(ZONE, "app", "db"))),
                        expect(InterPodAffinity.AFFINITY_NOT_MATCH, InterPodAffinity.AFFINITY_NOT_MATCH,
                                InterPodAffinity.AFFINITY_NOT_MATCH, InterPodAffinity.AFFINITY_NOT_MATCH)),
                new FilterCase("every affinity term must be met by the same pods",
                        Map.of("n1", List.of(labelled("db", "default", "app", "db")),
                                "n3", List.of(labelled("cache", "default", "app", "cache"))),
                        with(labelled("p", "default", "app", "web"),
                                affinity(term(ZONE, "app", "db"), term(ZONE, "app", "cache"))),
                        expect(InterPodAffinity.AFFINITY_NOT_MATCH, InterPodAffinity.AFFINITY_NOT_MATCH,
                                InterPodAffinity.AFFINITY_NOT_MATCH, InterPodAffinity.AFFINITY_NOT_MATCH)),
                new FilterCase("required anti-affinity per zone keeps out of the zone of a matching pod",
                        Map.of("n3", List.of(labelled("w", "default", "app", "web"))),
                        with(labelled("p", "default", "app", "web"), antiAffinity(term(ZONE, "app", "web"))),
                        expect(OK, OK, InterPodAffinity.ANTI_AFFINITY_NOT_MATCH, OK)),
                new FilterCase("required anti-affinity per host keeps out of that host only",
                        Map.of("n1", List.of(labelled("w", "default", "app", "web"))),
                        with(labelled("p", "default", "app", "web"), antiAffinity(term(HOST, "app", "web"))),
                        expect(InterPodAffinity.ANTI_AFFINITY_NOT_MATCH, OK, OK, OK)),
                new FilterCase("a placed pod's anti-affinity keeps the incoming pod out of its zone",
                        Map.of("n1", List.of(with(labelled("guard", "default", "app", "guard"),
                                antiAffinity(term(ZONE, "app", "web"))))),
                        labelled("p", "default", "app", "web"),
                        expect(InterPodAffinity.EXISTING_ANTI_AFFINITY_NOT_MATCH,
                                InterPodAffinity.EXISTING_ANTI_AFFINITY_NOT_MATCH, OK, OK)),
                new FilterCase("a placed pod's anti-affinity in another namespace does not select this pod",
                        Map.of("n1", List.of(with(labelled("guard", "red-ns", "app", "guard"),
                                antiAffinity(term(ZONE, "app", "web"))))),
                        labelled("p", "default", "app", "web"),
                        expect(OK, OK, OK, OK)),
                new FilterCase("a placed pod's anti-affinity selects by the incoming pod's namespace labels",
                        Map.of("n3", List.of(with(labelled("guard", "red-ns", "app", "guard"),
                                antiAffinity(inNamespaces(term(ZONE, "app", "web"), selector("team", "blue")))))),
                        labelled("p", "blue-ns", "app", "web"),
                        expect(OK, OK, InterPodAffinity.EXISTING_ANTI_AFFINITY_NOT_MATCH, OK)),
                new FilterCase("affinity looks in the pod's own namespace by default",
                        Map.of("n1", List.of(labelled("db", "red-ns", "app", "db"))),
                        with(labelled("p", "default", "app", "web"), affinity(term(ZONE, "app", "db"))),
                        expect(InterPodAffinity.AFFINITY_NOT_MATCH, InterPodAffinity.AFFINITY_NOT_MATCH,
                                InterPodAffinity.AFFINITY_NOT_MATCH, InterPodAffinity.AFFINITY_NOT_MATCH)),
                new FilterCase("affinity with listed namespaces looks there",
                        Map.of("n3", List.of(labelled("db", "red-ns", "app", "db"))),
                        with(labelled("p", "default", "app", "web"),
                                affinity(new PodAffinityTermBuilder(term(ZONE, "app", "db"))
                                        .withNamespaces("red-ns").build())),
                        expect(InterPodAffinity.AFFINITY_NOT_MATCH, InterPodAffinity.AFFINITY_NOT_MATCH, OK,
                                InterPodAffinity.AFFINITY_NOT_MATCH)),
                new FilterCase("affinity with a namespace selector looks in the namespaces it selects",
                        Map.of("n1", List.of(labelled("db1", "red-ns", "app", "db")),
                                "n3", List.of(labelled("db2", "blue-ns", "app", "db"))),
                        with(labelled("p", "default", "app", "web"),
                                affinity(inNamespaces(term(ZONE, "app", "db"), selector("team", "blue")))),
                        expect(InterPodAffinity.AFFINITY_NOT_MATCH, InterPodAffinity.AFFINITY_NOT_MATCH, OK,
                                InterPodAffinity.AFFINITY_NOT_MATCH)),
                new FilterCase("an empty namespace selector selects every namespace",
                        Map.of("n1", List.of(labelled("db", "red-ns", "app", "db"))),
                        with(labelled("p", "default", "app", "web"),
                                affinity(inNamespaces(term(ZONE, "app", "db"), new LabelSelector()))),
                        expect(OK, OK, InterPodAffinity.AFFINITY_NOT_MATCH, InterPodAffinity.AFFINITY_NOT_MATCH)),
                new FilterCase("a term without a label selector selects no pod",
                        Map.of("n3", List.of(labelled("w", "default", "app", "web"))),
                        with(labelled("p", "default", "app", "web"),
                                antiAffinity(new PodAffinityTermBuilder().withTopologyKey(ZONE).build())),
                        expect(OK, OK, OK, OK)),
                new FilterCase("matchExpressions select as label selectors do",
                        Map.of("n1", List.of(labelled("w", "default", "app", "web", "tier", "front"))),
                        with(labelled("p", "default", "app", "web"), antiAffinity(new PodAffinityTermBuilder()
                                .withTopologyKey(ZONE).withNewLabelSelector().addNewMatchExpression().withKey("tier")
                                .withOperator("In").withValues("front", "edge").endMatchExpression()
                                .endLabelSelector().build())),
                        expect(InterPodAffinity.ANTI_AFFINITY_NOT_MATCH, InterPodAffinity.ANTI_AFFINITY_NOT_MATCH,
                                OK, OK)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filterCases")
    void filter(FilterCase c) {
        List<NodeInfo> nodes = cluster(c.placed());
        CycleState state = new CycleState();
        Status pre = plugin.preFilter(state, c.incoming(), new Snapshot(nodes));
        Map<String, String> got = new LinkedHashMap<>();
        for (NodeInfo n : nodes) {
            Status s = pre.isSkip() ? Status.success() : plugin.filter(state, c.incoming(), n);
            got.put(n.name(), s.isSuccess() ? OK : s.message());
            if (!s.isSuccess()) {
                // affinity cannot be helped by preemption; anti-affinity can (the matching pods may be evicted)
                assertThat(s.code()).as(n.name()).isEqualTo(s.message().equals(InterPodAffinity.AFFINITY_NOT_MATCH)
                        ? Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE : Status.Code.UNSCHEDULABLE);
            }
        }
        assertThat(got).isEqualTo(c.expected());
    }

    @Test
    void aPodWithoutTermsInAClusterWithoutAntiAffinitySkipsTheFilter() {
        List<NodeInfo> nodes = cluster(Map.of("n1", List.of(labelled("db", "default", "app", "db"))));
        assertThat(plugin.preFilter(new CycleState(), labelled("p", "default", "app", "web"), new Snapshot(nodes))
                .isSkip()).isTrue();
    }

    @Test
    void anInvalidSelectorIsUnresolvableWithTheReason() {
        Pod bad = with(labelled("p", "default", "app", "web"), antiAffinity(new PodAffinityTermBuilder()
                .withTopologyKey(ZONE).withNewLabelSelector().addNewMatchExpression().withKey("app")
                .withOperator("Near").endMatchExpression().endLabelSelector().build()));
        Status s = plugin.preFilter(new CycleState(), bad, new Snapshot(cluster(Map.of())));
        assertThat(s.code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
        assertThat(s.message()).contains("Near");
    }

    Map<String, Long> scores(Map<String, List<Pod>> placed, Pod incoming) {
        return Fixtures.scores(plugin, cluster(placed), incoming);
    }

    @Test
    void preferredAffinityScoresTheZoneOfMatchingPodsHighest() {
        Map<String, Long> s = scores(Map.of("n3", List.of(labelled("db", "default", "app", "db"))),
                with(labelled("p", "default", "app", "web"), preferredAffinity(weighted(10, term(ZONE, "app", "db")))));
        assertThat(s).containsExactlyEntriesOf(scoreMap(0, 0, 100, 0));
    }

    @Test
    void preferredAntiAffinityScoresAwayFromMatchingPodsAndWeightsAdd() {
        Map<String, Long> s = scores(Map.of("n1", List.of(labelled("w", "default", "app", "web"))),
                with(labelled("p", "default", "app", "web"), preferredAntiAffinity(
                        weighted(10, term(ZONE, "app", "web")), weighted(10, term(HOST, "app", "web")))));
        // n1: -20 (zone and host), n2: -10 (zone), n3 and n4: 0; scaled between -20 and 0
        assertThat(s).containsExactlyEntriesOf(scoreMap(0, 50, 100, 100));
    }

    @Test
    void placedPodsPreferencesAndRequiredAffinityTowardsTheIncomingPodCount() {
        Pod likesWeb = with(labelled("cache", "default", "app", "cache"),
                preferredAffinity(weighted(5, term(ZONE, "app", "web"))));
        Pod needsWeb = with(labelled("db", "default", "app", "db"), affinity(term(HOST, "app", "web")));
        Map<String, Long> s = scores(Map.of("n3", List.of(likesWeb), "n1", List.of(needsWeb)),
                labelled("p", "default", "app", "web"));
        // n3's zone: +5 (preferred); n1: +1 (the hard pod affinity weight); the rest 0
        assertThat(s).containsExactlyEntriesOf(scoreMap(20, 0, 100, 0));
    }

    @Test
    void noTermsOnEitherSideSkipsScoring() {
        List<NodeInfo> nodes = cluster(Map.of("n1", List.of(labelled("db", "default", "app", "db"))));
        CycleState state = new CycleState();
        Framework framework = new Framework(List.of(plugin), Map.of());
        framework.runPreFilter(state, labelled("p", "default", "app", "web"), new Snapshot(nodes));
        assertThat(plugin.preScore(state, labelled("p", "default", "app", "web"), nodes).isSkip()).isTrue();
    }

    @Test
    void preemptionEvictsTheLowerPriorityPodThatTheAntiAffinityObjectsTo() {
        Pod web = with(labelled("w", "default", "app", "web"), 1);
        Pod other = with(labelled("o", "default", "app", "other"), 1);
        List<NodeInfo> nodes = cluster(Map.of("n1", List.of(web, other), "n3", List.of(
                with(labelled("w2", "default", "app", "web"), 1000))));
        Pod incoming = with(with(labelled("p", "default", "app", "web"), antiAffinity(term(HOST, "app", "web"))),
                100);
        List<String> evicted = new ArrayList<>();
        Map<String, String> nominated = new HashMap<>();
        Framework[] framework = new Framework[1];
        DefaultPreemption preemption = new DefaultPreemption(() -> framework[0], new DefaultPreemption.Actions() {
            @Override
            public void evict(Pod victim, Pod preemptor) {
                evicted.add(victim.getMetadata().getName());
            }

            @Override
            public void nominate(Pod preemptor, String node) {
                nominated.put(preemptor.getMetadata().getName(), node);
            }
        });
        framework[0] = new Framework(List.of(plugin, preemption), Map.of());
        // n2 and n4 would fit; leave only n1 (web, other) and n3 (a more important web) to decide between
        List<NodeInfo> candidates = List.of(nodes.get(0), nodes.get(2));
        CycleState state = new CycleState();
        Snapshot snapshot = new Snapshot(candidates);
        assertThat(framework[0].runPreFilter(state, incoming, snapshot).isSuccess()).isTrue();
        Map<String, Status> rejections = new HashMap<>();
        for (NodeInfo n : candidates) {
            rejections.put(n.name(), framework[0].runFilters(state, incoming, n));
        }
        assertThat(rejections.values()).allMatch(Status::isRejected);
        PostFilterPlugin.Result r = framework[0].runPostFilter(state, incoming, snapshot, rejections);
        assertThat(r.nominatedNode()).isEqualTo("n1");
        assertThat(evicted).containsExactly("w");
        assertThat(nominated).containsEntry("p", "n1");
    }

    // ---- fixtures

    static List<NodeInfo> cluster(Map<String, List<Pod>> placed) {
        return Fixtures.cluster(List.of(zonedNode("n1", "a"), zonedNode("n2", "a"), zonedNode("n3", "b"),
                zonedNode("n4", null)), placed);
    }

    static Map<String, String> expect(String n1, String n2, String n3, String n4) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("n1", n1);
        m.put("n2", n2);
        m.put("n3", n3);
        m.put("n4", n4);
        return m;
    }

    static Map<String, Long> scoreMap(long n1, long n2, long n3, long n4) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("n1", n1);
        m.put("n2", n2);
        m.put("n3", n3);
        m.put("n4", n4);
        return m;
    }

    static Pod labelled(String name, String namespace, String... labels) {
        Map<String, String> l = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            l.put(labels[i], labels[i + 1]);
        }
        return new PodBuilder(pod(name)).editMetadata().withNamespace(namespace).withLabels(l).endMetadata().build();
    }

    static Pod with(Pod pod, io.fabric8.kubernetes.api.model.Affinity affinity) {
        return new PodBuilder(pod).editSpec().withAffinity(affinity).endSpec().build();
    }

    static Pod with(Pod pod, int priority) {
        return new PodBuilder(pod).editSpec().withPriority(priority).endSpec().build();
    }

    static PodAffinityTerm term(String topologyKey, String... matchLabels) {
        Map<String, String> l = new LinkedHashMap<>();
        for (int i = 0; i < matchLabels.length; i += 2) {
            l.put(matchLabels[i], matchLabels[i + 1]);
        }
        return new PodAffinityTermBuilder().withTopologyKey(topologyKey).withNewLabelSelector().withMatchLabels(l)
                .endLabelSelector().build();
    }

    static PodAffinityTerm inNamespaces(PodAffinityTerm term, LabelSelector namespaceSelector) {
        return new PodAffinityTermBuilder(term).withNamespaceSelector(namespaceSelector).build();
    }

    static LabelSelector selector(String key, String value) {
        return new LabelSelectorBuilder().addToMatchLabels(key, value).build();
    }

    static WeightedPodAffinityTerm weighted(int weight, PodAffinityTerm term) {
        return new WeightedPodAffinityTerm(term, weight);
    }

    static io.fabric8.kubernetes.api.model.Affinity affinity(PodAffinityTerm... terms) {
        return new io.fabric8.kubernetes.api.model.AffinityBuilder().withNewPodAffinity()
                .withRequiredDuringSchedulingIgnoredDuringExecution(terms).endPodAffinity().build();
    }

    static io.fabric8.kubernetes.api.model.Affinity antiAffinity(PodAffinityTerm... terms) {
        return new io.fabric8.kubernetes.api.model.AffinityBuilder().withNewPodAntiAffinity()
                .withRequiredDuringSchedulingIgnoredDuringExecution(terms).endPodAntiAffinity().build();
    }

    static io.fabric8.kubernetes.api.model.Affinity preferredAffinity(WeightedPodAffinityTerm... terms) {
        return new io.fabric8.kubernetes.api.model.AffinityBuilder().withNewPodAffinity()
                .withPreferredDuringSchedulingIgnoredDuringExecution(terms).endPodAffinity().build();
    }

    static io.fabric8.kubernetes.api.model.Affinity preferredAntiAffinity(WeightedPodAffinityTerm... terms) {
        return new io.fabric8.kubernetes.api.model.AffinityBuilder().withNewPodAntiAffinity()
                .withPreferredDuringSchedulingIgnoredDuringExecution(terms).endPodAntiAffinity().build();
    }
}
