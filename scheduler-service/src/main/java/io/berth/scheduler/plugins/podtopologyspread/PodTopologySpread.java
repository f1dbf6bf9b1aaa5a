package io.berth.scheduler.plugins.podtopologyspread;

import io.berth.scheduler.framework.ClusterEvent;
import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.FilterPlugin;
import io.berth.scheduler.framework.Framework;
import io.berth.scheduler.framework.NodeInfo;
import io.berth.scheduler.framework.PodInfo;
import io.berth.scheduler.framework.PreFilterExtensions;
import io.berth.scheduler.framework.PreFilterPlugin;
import io.berth.scheduler.framework.PreScorePlugin;
import io.berth.scheduler.framework.ScorePlugin;
import io.berth.scheduler.framework.Snapshot;
import io.berth.scheduler.framework.Status;
import io.berth.scheduler.plugins.nodeaffinity.RequiredNodeAffinity;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes' PodTopologySpread: spreads pods that match a constraint's selector evenly over the domains of its
 * {@code topologyKey}.
 *
 * <p>Filter ({@code whenUnsatisfiable: DoNotSchedule}): on a node in domain D, {@code matching(D) + (1 if the pod
 * matches its own selector) - min over domains} must not exceed {@code maxSkew}; the minimum counts as 0 while fewer
 * than {@code minDomains} domains exist. The domains are the values of the key on the nodes that have every
 * constraint's key and pass the constraint's inclusion policies (node affinity honoured, taints ignored, unless
 * configured otherwise). A node without the key is unresolvable ("node(s) didn't match pod topology spread
 * constraints (missing required label)"), a too-skewed one unschedulable ("node(s) didn't match pod topology spread
 * constraints").
 *
 * <p>Score ({@code ScheduleAnyway}): fewer matching pods in a node's domains scores higher: per constraint
 * {@code count × log(domains + 2) + maxSkew - 1}, summed, then mapped so the lowest sum gets 100, as Kubernetes.
 * Kubernetes' cluster-level default constraints (for pods of Services and ReplicaSets without constraints of their
 * own) are not applied.
 *
 * <p>Unlike the other plugins it keeps data between cycles: each constraint's matching pods per domain
 * ({@link DomainCounts}), so a cycle recounts only the nodes that changed since the last pod with the same
 * constraint, not the 5,000 nodes and their pods.
 */
public final class PodTopologySpread implements PreFilterPlugin, PreFilterExtensions, FilterPlugin, PreScorePlugin,
        ScorePlugin {

    public static final String NAME = "PodTopologySpread";
    static final String CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
    static final String MISSING_LABEL = CONSTRAINTS_NOT_MATCH + " (missing required label)";

    private static final CycleState.Key<FilterState> FILTER = new CycleState.Key<>(NAME + "/filter");
    private static final CycleState.Key<ScoreState> SCORE = new CycleState.Key<>(NAME + "/score");
    private static final int KEPT_COUNTS = 16;

    /** Domain counts kept between cycles, per constraint signature, the most recently used 16. */
    private final Map<String, DomainCounts> counts = new LinkedHashMap<>(32, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, DomainCounts> eldest) {
            return size() > KEPT_COUNTS;
        }
    };

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ClusterEvent> events() {
        return Set.of(ClusterEvent.ASSIGNED_POD_ADDED, ClusterEvent.ASSIGNED_POD_DELETED,
                ClusterEvent.ASSIGNED_POD_LABELS_CHANGED, ClusterEvent.NODE_ADDED, ClusterEvent.NODE_LABELS_CHANGED,
                ClusterEvent.NODE_TAINTS_CHANGED);
    }

    /** Per constraint: matching pods per domain value, and the smallest of them. */
    private static final class FilterState implements CycleState.Copyable<FilterState> {
        final List<SpreadConstraint> constraints;
        final boolean[] selfMatch;
        final RequiredNodeAffinity nodeAffinity;
        final List<Map<String, Integer>> matching;
        final int[] min;

        FilterState(List<SpreadConstraint> constraints, boolean[] selfMatch, RequiredNodeAffinity nodeAffinity,
                    List<Map<String, Integer>> matching) {
            this.constraints = constraints;
            this.selfMatch = selfMatch;
            this.nodeAffinity = nodeAffinity;
            this.matching = matching;
            this.min = new int[constraints.size()];
            for (int i = 0; i < min.length; i++) {
                recomputeMin(i);
            }
        }

        void recomputeMin(int i) {
            int m = Integer.MAX_VALUE;
            for (int v : matching.get(i).values()) {
                m = Math.min(m, v);
            }
            min[i] = m;
        }

        /** The global minimum the skew is measured from: 0 while there are fewer domains than minDomains. */
        long minMatching(int i) {
            return matching.get(i).size() < constraints.get(i).minDomains() ? 0 : min[i];
        }

        @Override
        public FilterState copy() {
            List<Map<String, Integer>> copied = new ArrayList<>(matching.size());
            for (Map<String, Integer> m : matching) {
                copied.add(new HashMap<>(m));
            }
            return new FilterState(constraints, selfMatch, nodeAffinity, copied);
        }

        void update(Pod pod, Pod other, Node node, int delta) {
            if (node == null || !pod.getMetadata().getNamespace().equals(other.getMetadata().getNamespace())
                    || !SpreadConstraint.hasAllKeys(node, constraints)) {
                return;
            }
            for (int i = 0; i < constraints.size(); i++) {
                SpreadConstraint c = constraints.get(i);
                if (!c.selector().matches(other.getMetadata().getLabels()) || !c.includes(pod, node, nodeAffinity)) {
                    continue;
                }
                matching.get(i).merge(node.getMetadata().getLabels().get(c.topologyKey()), delta, Integer::sum);
                recomputeMin(i);
            }
        }
    }

    @Override
    public Status preFilter(CycleState state, Pod pod, Snapshot snapshot) {
        List<SpreadConstraint> constraints;
        try {
            constraints = SpreadConstraint.of(pod, "DoNotSchedule");
        } catch (RuntimeException e) {
            return Status.unresolvable("invalid topology spread constraint: " + e.getMessage());
        }
        if (constraints.isEmpty()) {
            return Status.skip();
        }
        String namespace = pod.getMetadata().getNamespace();
        RequiredNodeAffinity nodeAffinity = RequiredNodeAffinity.of(pod);
        List<Map<String, Integer>> matching = new ArrayList<>(constraints.size());
        boolean[] selfMatch = new boolean[constraints.size()];
        for (int i = 0; i < constraints.size(); i++) {
            matching.add(new HashMap<>());
            selfMatch[i] = constraints.get(i).selector().matches(pod.getMetadata().getLabels());
        }
        List<String> keys = new ArrayList<>(constraints.size());
        for (SpreadConstraint c : constraints) {
            keys.add(c.topologyKey());
        }
        boolean nodeAffinitySet = RequiredNodeAffinity.isSet(pod);
        for (int i = 0; i < constraints.size(); i++) {
            SpreadConstraint c = constraints.get(i);
            DomainCounts.Counter counter = new DomainCounts.Counter() {
                @Override
                public String domain(NodeInfo node) {
                    Map<String, String> labels = node.labels();
                    for (String key : keys) {
                        if (!labels.containsKey(key)) {
                            return null;
                        }
                    }
                    return c.includes(pod, node.node(), nodeAffinity) ? labels.get(c.topologyKey()) : null;
                }

                @Override
                public int count(NodeInfo node) {
                    return c.count(node.pods(), namespace);
                }
            };
            // what a node adds depends on the pod only through these; a pod whose node affinity or tolerations
            // decide which nodes count is counted afresh
            boolean cacheable = !(c.honourNodeAffinity() && nodeAffinitySet) && !c.honourNodeTaints();
            if (cacheable) {
                // the scheduling thread is the only caller; the lock guards a leader term ending mid-cycle
                String signature = namespace + "|" + keys + "|" + c.topologyKey() + "|"
                        + (c.selector().isNothing() ? "<none>" : c.selector().toString());
                synchronized (counts) {
                    matching.set(i, counts.computeIfAbsent(signature, k -> new DomainCounts())
                            .update(snapshot, counter));
                }
            } else {
                matching.set(i, new DomainCounts().update(snapshot, counter));
            }
        }
        state.write(FILTER, new FilterState(constraints, selfMatch, nodeAffinity, matching));
        return Status.success();
    }

    @Override
    public void addPod(CycleState state, Pod pod, PodInfo added, NodeInfo node) {
        FilterState s = state.read(FILTER);
        if (s != null) {
            s.update(pod, added.pod(), node.node(), 1);
        }
    }

    @Override
    public void removePod(CycleState state, Pod pod, PodInfo removed, NodeInfo node) {
        FilterState s = state.read(FILTER);
        if (s != null) {
            s.update(pod, removed.pod(), node.node(), -1);
        }
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        FilterState s = state.read(FILTER);
        if (s == null) {
            return Status.error(NAME + ": no PreFilter state");
        }
        Map<String, String> labels = node.node().getMetadata().getLabels();
        for (int i = 0; i < s.constraints.size(); i++) {
            SpreadConstraint c = s.constraints.get(i);
            String value = labels == null ? null : labels.get(c.topologyKey());
            if (value == null) {
                return Status.unresolvable(MISSING_LABEL);
            }
            long skew = (long) s.matching.get(i).getOrDefault(value, 0) + (s.selfMatch[i] ? 1 : 0)
                    - s.minMatching(i);
            if (skew > c.maxSkew()) {
                return Status.unschedulable(CONSTRAINTS_NOT_MATCH);
            }
        }
        return Status.success();
    }

    /** Per constraint: matching pods per domain value (not for the hostname key: counted per node in Score). */
    private record ScoreState(List<SpreadConstraint> constraints, Set<String> ignoredNodes,
                              List<Map<String, long[]>> counts, double[] weights, String namespace) {
    }

    @Override
    public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasible) {
        Snapshot snapshot = Framework.snapshot(state);
        if (feasible.isEmpty() || snapshot == null) {
            return Status.skip();
        }
        List<SpreadConstraint> constraints;
        try {
            constraints = SpreadConstraint.of(pod, "ScheduleAnyway");
        } catch (RuntimeException e) {
            return Status.error("invalid topology spread constraint: " + e.getMessage());
        }
        if (constraints.isEmpty()) {
            return Status.skip();
        }
        Set<String> ignored = new HashSet<>();
        List<Map<String, long[]>> counts = new ArrayList<>(constraints.size());
        int[] domains = new int[constraints.size()];
        for (int i = 0; i < constraints.size(); i++) {
            counts.add(new HashMap<>());
        }
        for (NodeInfo n : feasible) {
            Node node = n.node();
            if (!SpreadConstraint.hasAllKeys(node, constraints)) {
                ignored.add(n.name());
                continue;
            }
            for (int i = 0; i < constraints.size(); i++) {
                SpreadConstraint c = constraints.get(i);
                if (!c.topologyKey().equals(SpreadConstraint.HOSTNAME)
                        && counts.get(i).putIfAbsent(node.getMetadata().getLabels().get(c.topologyKey()),
                        new long[1]) == null) {
                    domains[i]++;
                }
            }
        }
        double[] weights = new double[constraints.size()];
        for (int i = 0; i < constraints.size(); i++) {
            int size = constraints.get(i).topologyKey().equals(SpreadConstraint.HOSTNAME)
                    ? feasible.size() - ignored.size() : domains[i];
            weights[i] = Math.log(size + 2);
        }
        // every node counts towards its domain, feasible or not (the domains are those of the feasible nodes)
        String namespace = pod.getMetadata().getNamespace();
        RequiredNodeAffinity nodeAffinity = RequiredNodeAffinity.of(pod);
        for (NodeInfo n : snapshot.nodes()) {
            Node node = n.node();
            if (node == null || !SpreadConstraint.hasAllKeys(node, constraints)) {
                continue;
            }
            for (int i = 0; i < constraints.size(); i++) {
                SpreadConstraint c = constraints.get(i);
                long[] count = counts.get(i).get(node.getMetadata().getLabels().get(c.topologyKey()));
                if (count != null && c.includes(pod, node, nodeAffinity)) {
                    count[0] += c.count(n.pods(), namespace);
                }
            }
        }
        state.write(SCORE, new ScoreState(constraints, ignored, counts, weights, namespace));
        return Status.success();
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        ScoreState s = state.read(SCORE);
        if (s == null || s.ignoredNodes.contains(node.name())) {
            return 0;
        }
        Map<String, String> labels = node.node().getMetadata().getLabels();
        double score = 0;
        for (int i = 0; i < s.constraints.size(); i++) {
            SpreadConstraint c = s.constraints.get(i);
            String value = labels.get(c.topologyKey());
            if (value == null) {
                continue;
            }
            long count;
            if (c.topologyKey().equals(SpreadConstraint.HOSTNAME)) {
                count = c.count(node.pods(), s.namespace);
            } else {
                long[] domain = s.counts.get(i).get(value);
                count = domain == null ? 0 : domain[0];
            }
            score += count * s.weights[i] + (c.maxSkew() - 1);
        }
        return Math.round(score);
    }

    /** The lowest sum gets 100, the rest in proportion ({@code 100 × (max + min - score) / max}); ignored nodes 0. */
    @Override
    public void normalize(CycleState state, Pod pod, List<NodeInfo> nodes, long[] scores) {
        ScoreState s = state.read(SCORE);
        if (s == null) {
            return;
        }
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < scores.length; i++) {
            if (s.ignoredNodes.contains(nodes.get(i).name())) {
                continue;
            }
            min = Math.min(min, scores[i]);
            max = Math.max(max, scores[i]);
        }
        for (int i = 0; i < scores.length; i++) {
            if (s.ignoredNodes.contains(nodes.get(i).name())) {
                scores[i] = 0;
            } else if (max == 0) {
                scores[i] = MAX_SCORE;
            } else {
                scores[i] = MAX_SCORE * (max + min - scores[i]) / max;
            }
        }
    }
}
