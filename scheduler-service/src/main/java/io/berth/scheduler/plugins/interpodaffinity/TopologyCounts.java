package io.berth.scheduler.plugins.interpodaffinity;

import io.berth.scheduler.framework.AffinityTerm;
import io.berth.scheduler.framework.CycleState;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How many matching pods each topology domain ({@code topologyKey=value}) holds, as Kubernetes' {@code topologyToMatchedTermCount}.
 * A domain whose count falls to 0 is dropped, so {@link #isEmpty()} means no pod matched anywhere.
 */
final class TopologyCounts implements CycleState.Copyable<TopologyCounts> {

    record Pair(String key, String value) {
    }

    private final Map<Pair, Integer> counts;

    TopologyCounts() {
        this.counts = new HashMap<>();
    }

    private TopologyCounts(Map<Pair, Integer> counts) {
        this.counts = counts;
    }

    int get(String key, String value) {
        return counts.getOrDefault(new Pair(key, value), 0);
    }

    boolean isEmpty() {
        return counts.isEmpty();
    }

    /** Whether any of the node's labels names a domain with a count. */
    boolean anyOf(Map<String, String> labels) {
        if (counts.isEmpty() || labels == null) {
            return false;
        }
        for (Map.Entry<String, String> l : labels.entrySet()) {
            if (counts.containsKey(new Pair(l.getKey(), l.getValue()))) {
                return true;
            }
        }
        return false;
    }

    void add(String key, String value, int delta) {
        counts.merge(new Pair(key, value), delta, (a, b) -> a + b == 0 ? null : a + b);
    }

    /** For each term {@code pod} matches: {@code delta} on the node's domain of the term's topology key. */
    void addEachMatching(List<AffinityTerm> terms, Pod pod, Map<String, String> namespaceLabels, Node node, int delta) {
        Map<String, String> labels = node.getMetadata().getLabels();
        if (labels == null) {
            return;
        }
        for (AffinityTerm t : terms) {
            if (t.matches(pod, namespaceLabels)) {
                String value = labels.get(t.topologyKey());
                if (value != null) {
                    add(t.topologyKey(), value, delta);
                }
            }
        }
    }

    /** When {@code pod} matches every term: {@code delta} on the node's domain of each term's topology key. */
    void addIfAllMatch(List<AffinityTerm> terms, Pod pod, Node node, int delta) {
        Map<String, String> labels = node.getMetadata().getLabels();
        if (labels == null || !InterPodAffinity.matchesAll(terms, pod)) {
            return;
        }
        for (AffinityTerm t : terms) {
            String value = labels.get(t.topologyKey());
            if (value != null) {
                add(t.topologyKey(), value, delta);
            }
        }
    }

    @Override
    public TopologyCounts copy() {
        return new TopologyCounts(new HashMap<>(counts));
    }
}
