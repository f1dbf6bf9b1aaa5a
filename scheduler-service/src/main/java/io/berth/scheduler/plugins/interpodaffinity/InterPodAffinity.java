package io.berth.scheduler.plugins.interpodaffinity;

import io.berth.scheduler.framework.AffinityTerm;
import io.berth.scheduler.framework.ClusterEvent;
import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.FilterPlugin;
import io.berth.scheduler.framework.Framework;
import io.berth.scheduler.framework.Namespaces;
import io.berth.scheduler.framework.NodeInfo;
import io.berth.scheduler.framework.PodAffinityTerms;
import io.berth.scheduler.framework.PodInfo;
import io.berth.scheduler.framework.PreFilterExtensions;
import io.berth.scheduler.framework.PreFilterPlugin;
import io.berth.scheduler.framework.PreScorePlugin;
import io.berth.scheduler.framework.ScorePlugin;
import io.berth.scheduler.framework.Snapshot;
import io.berth.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes' InterPodAffinity: pod affinity and anti-affinity between a pod and the pods already placed, per
 * topology domain (the nodes sharing a {@code topologyKey} label value).
 *
 * <p>Filter, from the required terms, in Kubernetes' order and wording:
 * <ul>
 *   <li>every affinity term must find a matching pod in the node's domain of its key ("node(s) didn't match pod
 *       affinity rules", unresolvable), except for the first pod of a group that matches its own terms while no pod
 *       anywhere matches them;</li>
 *   <li>no anti-affinity term may find a matching pod in the node's domain ("node(s) didn't match pod anti-affinity
 *       rules");</li>
 *   <li>no placed pod's anti-affinity term may select this pod within its domain ("node(s) didn't satisfy existing
 *       pods anti-affinity rules").</li>
 * </ul>
 * A node without a term's topology key label fails an affinity term and satisfies an anti-affinity term.
 *
 * <p>Score, from the preferred terms of both sides and the placed pods' required affinity (weight
 * {@link #HARD_POD_AFFINITY_WEIGHT}): each matching pair adds (affinity) or subtracts (anti-affinity) its weight to
 * the domain of the placed pod's node; a node scores the sum over its domains, normalized to 0..100 between the
 * lowest and the highest.
 *
 * <p>Terms select by namespace as the API says: {@code namespaces} and {@code namespaceSelector} (labels from
 * {@link Namespaces}), the pod's own namespace when both are unset.
 */
public final class InterPodAffinity implements PreFilterPlugin, PreFilterExtensions, FilterPlugin, PreScorePlugin,
        ScorePlugin {

    public static final String NAME = "InterPodAffinity";
    /** Kubernetes' default {@code hardPodAffinityWeight}. */
    static final int HARD_POD_AFFINITY_WEIGHT = 1;

    static final String AFFINITY_NOT_MATCH = "node(s) didn't match pod affinity rules";
    static final String ANTI_AFFINITY_NOT_MATCH = "node(s) didn't match pod anti-affinity rules";
    static final String EXISTING_ANTI_AFFINITY_NOT_MATCH = "node(s) didn't satisfy existing pods anti-affinity rules";

    private static final CycleState.Key<FilterState> FILTER = new CycleState.Key<>(NAME + "/filter");
    private static final CycleState.Key<ScoreState> SCORE = new CycleState.Key<>(NAME + "/score");

    private final Namespaces namespaces;

    public InterPodAffinity(Namespaces namespaces) {
        this.namespaces = namespaces;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ClusterEvent> events() {
        return Set.of(ClusterEvent.ASSIGNED_POD_ADDED, ClusterEvent.ASSIGNED_POD_DELETED,
                ClusterEvent.ASSIGNED_POD_LABELS_CHANGED, ClusterEvent.NODE_ADDED, ClusterEvent.NODE_LABELS_CHANGED);
    }

    /** What Filter reads: the pod's required terms and three sets of domain counts. */
    private record FilterState(Pod pod, List<AffinityTerm> affinity, List<AffinityTerm> antiAffinity,
                               Map<String, String> namespaceLabels, TopologyCounts existingAntiAffinity,
                               TopologyCounts affinityCounts, TopologyCounts antiAffinityCounts)
            implements CycleState.Copyable<FilterState> {

        @Override
        public FilterState copy() {
            return new FilterState(pod, affinity, antiAffinity, namespaceLabels, existingAntiAffinity.copy(),
                    affinityCounts.copy(), antiAffinityCounts.copy());
        }

        /** {@code other} now runs (delta 1) or no longer runs (delta -1) on {@code node}. */
        void update(PodInfo other, Node node, int delta) {
            if (node == null) {
                return;
            }
            if (other.hasRequiredAntiAffinity()) {
                existingAntiAffinity.addEachMatching(other.affinity().requiredAntiAffinity(), pod, namespaceLabels,
                        node, delta);
            }
            if (!affinity.isEmpty()) {
                affinityCounts.addIfAllMatch(affinity, other.pod(), node, delta);
            }
            if (!antiAffinity.isEmpty()) {
                antiAffinityCounts.addEachMatching(antiAffinity, other.pod(), null, node, delta);
            }
        }
    }

    @Override
    public Status preFilter(CycleState state, Pod pod, Snapshot snapshot) {
        PodAffinityTerms terms = PodAffinityTerms.of(pod);
        if (terms != null && terms.parseError() != null) {
            return Status.unresolvable(terms.parseError());
        }
        boolean required = terms != null && terms.hasRequired();
        if (!required && snapshot.withRequiredAntiAffinityPods().isEmpty()) {
            return Status.skip();
        }
        Map<String, String> namespaceLabels = namespaces.labels(pod.getMetadata().getNamespace());
        List<AffinityTerm> affinity = required ? resolve(terms.requiredAffinity()) : List.of();
        List<AffinityTerm> anti = required ? resolve(terms.requiredAntiAffinity()) : List.of();
        FilterState s = new FilterState(pod, affinity, anti, namespaceLabels, new TopologyCounts(),
                new TopologyCounts(), new TopologyCounts());
        // placed pods whose required anti-affinity selects this pod
        for (NodeInfo n : snapshot.withRequiredAntiAffinityPods()) {
            if (n.node() == null) {
                continue;
            }
            for (PodInfo existing : n.podsWithRequiredAntiAffinity()) {
                s.existingAntiAffinity.addEachMatching(existing.affinity().requiredAntiAffinity(), pod,
                        namespaceLabels, n.node(), 1);
            }
        }
        if (required) {
            for (NodeInfo n : snapshot.nodes()) {
                if (n.node() == null) {
                    continue;
                }
                for (PodInfo existing : n.pods()) {
                    if (!affinity.isEmpty()) {
                        s.affinityCounts.addIfAllMatch(affinity, existing.pod(), n.node(), 1);
                    }
                    if (!anti.isEmpty()) {
                        s.antiAffinityCounts.addEachMatching(anti, existing.pod(), null, n.node(), 1);
                    }
                }
            }
        }
        state.write(FILTER, s);
        return Status.success();
    }

    @Override
    public void addPod(CycleState state, Pod pod, PodInfo added, NodeInfo node) {
        FilterState s = state.read(FILTER);
        if (s != null) {
            s.update(added, node.node(), 1);
        }
    }

    @Override
    public void removePod(CycleState state, Pod pod, PodInfo removed, NodeInfo node) {
        FilterState s = state.read(FILTER);
        if (s != null) {
            s.update(removed, node.node(), -1);
        }
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        FilterState s = state.read(FILTER);
        if (s == null) {
            return Status.error(NAME + ": no PreFilter state");
        }
        Map<String, String> labels = node.node().getMetadata().getLabels();
        if (!satisfiesAffinity(s, labels)) {
            return Status.unresolvable(AFFINITY_NOT_MATCH);
        }
        for (AffinityTerm t : s.antiAffinity) {
            String value = labels == null ? null : labels.get(t.topologyKey());
            if (value != null && s.antiAffinityCounts.get(t.topologyKey(), value) > 0) {
                return Status.unschedulable(ANTI_AFFINITY_NOT_MATCH);
            }
        }
        if (s.existingAntiAffinity.anyOf(labels)) {
            return Status.unschedulable(EXISTING_ANTI_AFFINITY_NOT_MATCH);
        }
        return Status.success();
    }

    private static boolean satisfiesAffinity(FilterState s, Map<String, String> labels) {
        boolean podsExist = true;
        for (AffinityTerm t : s.affinity) {
            String value = labels == null ? null : labels.get(t.topologyKey());
            if (value == null) {
                return false;
            }
            if (s.affinityCounts.get(t.topologyKey(), value) <= 0) {
                podsExist = false;
            }
        }
        // the first pod of a group with affinity to itself: nothing matches anywhere yet, and it matches its own terms
        return podsExist || s.affinityCounts.isEmpty() && matchesAll(s.affinity, s.pod);
    }

    /** Whether {@code pod} matches every term (false for none): the incoming pod's terms, namespaces resolved. */
    static boolean matchesAll(List<AffinityTerm> terms, Pod pod) {
        if (terms.isEmpty()) {
            return false;
        }
        for (AffinityTerm t : terms) {
            if (!t.matches(pod, null)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The incoming pod's terms with their namespace selector turned into namespace names, so matching a placed pod
     * needs no lookup (Kubernetes' {@code mergeAffinityTermNamespacesIfNotEmpty}). A selector of every namespace
     * stays as it is.
     */
    private List<AffinityTerm> resolve(List<AffinityTerm> terms) {
        List<AffinityTerm> resolved = new ArrayList<>(terms.size());
        for (AffinityTerm t : terms) {
            if (t.namespaceSelector().isEverything() || t.namespaceSelector().isNothing()) {
                resolved.add(t);
                continue;
            }
            Set<String> names = new HashSet<>();
            namespaces.all().forEach((name, labels) -> {
                if (t.namespaceSelector().matches(labels)) {
                    names.add(name);
                }
            });
            resolved.add(t.withNamespaces(names));
        }
        return resolved;
    }

    /** What Score reads: per topology key, per value, the summed weights. */
    private record ScoreState(Map<String, Map<String, Long>> topologyScore) {
    }

    @Override
    public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasible) {
        Snapshot snapshot = Framework.snapshot(state);
        if (feasible.isEmpty() || snapshot == null) {
            return Status.skip();
        }
        PodAffinityTerms terms = PodAffinityTerms.of(pod);
        boolean preferred = terms != null && terms.hasPreferred();
        if (!preferred && snapshot.withAffinityPods().isEmpty()) {
            return Status.skip();
        }
        if (terms != null && terms.parseError() != null) {
            return Status.error(terms.parseError());
        }
        List<AffinityTerm> affinity = preferred ? resolve(terms.preferredAffinity()) : List.of();
        List<AffinityTerm> anti = preferred ? resolve(terms.preferredAntiAffinity()) : List.of();
        Map<String, String> namespaceLabels = namespaces.labels(pod.getMetadata().getNamespace());
        Map<String, Map<String, Long>> scores = new HashMap<>();
        // unless the pod has preferences of its own, only placed pods with affinity terms can add anything
        for (NodeInfo n : preferred ? snapshot.nodes() : snapshot.withAffinityPods()) {
            Node node = n.node();
            if (node == null || node.getMetadata().getLabels() == null || node.getMetadata().getLabels().isEmpty()) {
                continue;
            }
            Map<String, String> labels = node.getMetadata().getLabels();
            for (PodInfo existing : preferred ? n.pods() : n.podsWithAffinity()) {
                add(scores, affinity, existing.pod(), null, labels, 1);
                add(scores, anti, existing.pod(), null, labels, -1);
                PodAffinityTerms theirs = existing.affinity();
                if (theirs == null) {
                    continue;
                }
                for (AffinityTerm t : theirs.requiredAffinity()) {
                    String value = labels.get(t.topologyKey());
                    if (value != null && t.matches(pod, namespaceLabels)) {
                        scores.computeIfAbsent(t.topologyKey(), k -> new HashMap<>())
                                .merge(value, (long) HARD_POD_AFFINITY_WEIGHT, Long::sum);
                    }
                }
                add(scores, theirs.preferredAffinity(), pod, namespaceLabels, labels, 1);
                add(scores, theirs.preferredAntiAffinity(), pod, namespaceLabels, labels, -1);
            }
        }
        if (scores.isEmpty()) {
            return Status.skip();
        }
        state.write(SCORE, new ScoreState(scores));
        return Status.success();
    }

    private static void add(Map<String, Map<String, Long>> scores, List<AffinityTerm> terms, Pod pod,
                            Map<String, String> namespaceLabels, Map<String, String> nodeLabels, int sign) {
        for (AffinityTerm t : terms) {
            if (t.matches(pod, namespaceLabels)) {
                String value = nodeLabels.get(t.topologyKey());
                if (value != null) {
                    scores.computeIfAbsent(t.topologyKey(), k -> new HashMap<>())
                            .merge(value, (long) t.weight() * sign, Long::sum);
                }
            }
        }
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        ScoreState s = state.read(SCORE);
        Map<String, String> labels = node.node().getMetadata().getLabels();
        if (s == null || labels == null) {
            return 0;
        }
        long score = 0;
        for (Map.Entry<String, Map<String, Long>> byKey : s.topologyScore.entrySet()) {
            String value = labels.get(byKey.getKey());
            if (value != null) {
                score += byKey.getValue().getOrDefault(value, 0L);
            }
        }
        return score;
    }

    /** Scales between the lowest and the highest score onto 0..100 (all 0 when they are equal), as Kubernetes. */
    @Override
    public void normalize(CycleState state, Pod pod, List<NodeInfo> nodes, long[] scores) {
        if (state.read(SCORE) == null || scores.length == 0) {
            return;
        }
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (long s : scores) {
            min = Math.min(min, s);
            max = Math.max(max, s);
        }
        long diff = max - min;
        for (int i = 0; i < scores.length; i++) {
            scores[i] = diff > 0 ? (long) (MAX_SCORE * ((double) (scores[i] - min) / diff)) : 0;
        }
    }
}
