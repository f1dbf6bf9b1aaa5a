package io.berth.scheduler.plugins.podtopologyspread;

import io.berth.scheduler.framework.NodeInfo;
import io.berth.scheduler.framework.Snapshot;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One constraint's matching pods per domain, kept between cycles: a spread pod's PreFilter would otherwise count
 * every pod on every node each cycle, while between two cycles only a node or two change (the pod just assumed). Per
 * node of the snapshot it remembers the generation it counted, the node's domain (null when the node is in none) and
 * its count; a cycle recounts only the nodes whose generation moved, and everything when the snapshot's layout
 * changed. Used by the scheduling thread only.
 */
final class DomainCounts {

    /** What one node adds to its domain. */
    interface Counter {
        /** The node's domain for the constraint, or null when it is in none. */
        String domain(NodeInfo node);

        /** The node's matching pods. */
        int count(NodeInfo node);
    }

    private long layout = -1;
    private long[] generations = new long[0];
    private String[] domains = new String[0];
    private int[] counts = new int[0];
    /** Domain → {matching pods, nodes in it}; a domain is kept while it has a node, even with no pod. */
    private final Map<String, int[]> totals = new HashMap<>();

    /** Brings the counts up to {@code snapshot} and returns the matching pods per domain (a new map). */
    Map<String, Integer> update(Snapshot snapshot, Counter counter) {
        List<NodeInfo> nodes = snapshot.nodes();
        int n = nodes.size();
        if (layout != snapshot.layout() || generations.length != n) {
            layout = snapshot.layout();
            generations = new long[n];
            domains = new String[n];
            counts = new int[n];
            totals.clear();
            for (int i = 0; i < n; i++) {
                count(i, nodes.get(i), counter);
            }
        } else {
            for (int i = 0; i < n; i++) {
                NodeInfo node = nodes.get(i);
                if (node.generation() != generations[i]) {
                    uncount(i);
                    count(i, node, counter);
                }
            }
        }
        Map<String, Integer> result = new HashMap<>(totals.size() * 2);
        totals.forEach((domain, t) -> result.put(domain, t[0]));
        return result;
    }

    private void count(int i, NodeInfo node, Counter counter) {
        generations[i] = node.generation();
        String domain = node.node() == null ? null : counter.domain(node);
        domains[i] = domain;
        if (domain == null) {
            counts[i] = 0;
            return;
        }
        int c = counter.count(node);
        counts[i] = c;
        int[] t = totals.computeIfAbsent(domain, d -> new int[2]);
        t[0] += c;
        t[1]++;
    }

    private void uncount(int i) {
        String domain = domains[i];
        if (domain == null) {
            return;
        }
        int[] t = totals.get(domain);
        t[0] -= counts[i];
        if (--t[1] == 0) {
            totals.remove(domain);
        }
    }
}
