package io.berth.scheduler.framework;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cluster as one scheduling cycle sees it: every node with its pods, bound and assumed, frozen for the cycle
 * (Kubernetes' {@code cache.Snapshot}). Built by the cache; nobody changes it while a cycle reads it.
 */
public final class Snapshot {

    private final List<NodeInfo> nodes;
    private final Map<String, NodeInfo> byName;
    private final List<NodeInfo> withAffinityPods;
    private final List<NodeInfo> withRequiredAntiAffinityPods;
    private final long layout;
    private static final AtomicLong LAYOUTS = new AtomicLong(1L << 62);

    /**
     * A snapshot over collections the caller keeps up to date between cycles (the cache): shared, not copied, so a
     * cycle over 5,000 nodes costs nothing to set up. The caller must not change them while a cycle runs.
     */
    public Snapshot(List<NodeInfo> nodes, Map<String, NodeInfo> byName, List<NodeInfo> withAffinityPods,
                    List<NodeInfo> withRequiredAntiAffinityPods, long layout) {
        this.layout = layout;
        this.nodes = Collections.unmodifiableList(nodes);
        this.byName = byName;
        this.withAffinityPods = Collections.unmodifiableList(withAffinityPods);
        this.withRequiredAntiAffinityPods = Collections.unmodifiableList(withRequiredAntiAffinityPods);
    }

    /** A snapshot of {@code nodes} (copied into its own list and index), for tests and preemption trials. */
    public Snapshot(List<NodeInfo> nodes) {
        this.layout = LAYOUTS.incrementAndGet();
        this.nodes = Collections.unmodifiableList(new ArrayList<>(nodes));
        this.byName = new HashMap<>(nodes.size() * 2);
        List<NodeInfo> affinity = new ArrayList<>();
        List<NodeInfo> antiAffinity = new ArrayList<>();
        for (NodeInfo n : nodes) {
            byName.put(n.name(), n);
            if (!n.podsWithAffinity().isEmpty()) {
                affinity.add(n);
            }
            if (!n.podsWithRequiredAntiAffinity().isEmpty()) {
                antiAffinity.add(n);
            }
        }
        this.withAffinityPods = affinity;
        this.withRequiredAntiAffinityPods = antiAffinity;
    }

    /**
     * Which node sits at which index of {@link #nodes()}: two snapshots with the same layout list the same nodes in
     * the same order (their contents may differ, as {@link NodeInfo#generation()} says), so a plugin may keep
     * per-index data between cycles and redo only the nodes whose generation moved.
     */
    public long layout() {
        return layout;
    }

    /** Every node, in the cache's order (stable between cycles, so round-robin starts spread the search). */
    public List<NodeInfo> nodes() {
        return nodes;
    }

    /** The node called {@code name}, or null. */
    public NodeInfo get(String name) {
        return byName.get(name);
    }

    /** Nodes with at least one pod that has pod affinity or anti-affinity terms. */
    public List<NodeInfo> withAffinityPods() {
        return withAffinityPods;
    }

    /** Nodes with at least one pod that has required anti-affinity terms. */
    public List<NodeInfo> withRequiredAntiAffinityPods() {
        return withRequiredAntiAffinityPods;
    }
}
