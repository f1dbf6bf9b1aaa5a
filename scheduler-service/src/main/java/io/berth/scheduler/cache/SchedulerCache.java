package io.berth.scheduler.cache;

import io.berth.scheduler.framework.NodeInfo;
import io.berth.scheduler.framework.PodInfo;
import io.berth.scheduler.framework.Snapshot;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The scheduler's view of where pods run (Kubernetes' {@code internal/cache}): every node with the pods bound to it,
 * plus the pods the scheduler has <em>assumed</em> onto a node (chosen, binding under way), so the next pod already
 * counts them. Informer handlers feed it; the scheduling thread takes a {@link #snapshot()} per cycle.
 *
 * <p>An assumed pod becomes an ordinary one when the informer shows it bound ({@link #addPod}); a failed binding
 * {@link #forget}s it; one whose binding finished but that the informer never confirmed expires after
 * {@code assumedTtl}. Thread safe: every method holds the cache's lock; snapshots are read by the scheduling thread
 * only, between its calls to {@link #snapshot()}.
 */
public final class SchedulerCache {

    private record PodState(Pod pod, String node, boolean assumed, Instant deadline) {
    }

    private final Clock clock;
    private final Duration assumedTtl;
    private final Map<String, NodeInfo> nodes = new LinkedHashMap<>();
    private final Map<String, PodState> pods = new HashMap<>();
    private long generation;

    // the snapshot's own copies, refreshed by snapshot() from the generations that moved
    private final Map<String, NodeInfo> snapshotByName = new HashMap<>();
    private final Map<String, Integer> snapshotIndex = new HashMap<>();
    private final List<NodeInfo> snapshotNodes = new ArrayList<>();
    /** Nodes changed since the last snapshot: only these are copied again (a cycle over 5,000 nodes copies 1 or 2). */
    private final Set<String> dirty = new LinkedHashSet<>();
    private final List<NodeInfo> snapshotAffinity = new ArrayList<>();
    private final List<NodeInfo> snapshotAntiAffinity = new ArrayList<>();
    private boolean membershipChanged = true;
    /** Raised whenever the snapshot's node list is rebuilt (see {@link Snapshot#layout()}). */
    private long layout;

    public SchedulerCache(Clock clock, Duration assumedTtl) {
        this.clock = clock;
        this.assumedTtl = assumedTtl;
    }

    public synchronized void addNode(Node node) {
        NodeInfo info = nodes.computeIfAbsent(node.getMetadata().getName(), n -> {
            membershipChanged = true;
            return new NodeInfo();
        });
        if (info.node() == null) {
            membershipChanged = true;
        }
        info.setNode(node, ++generation);
        dirty.add(node.getMetadata().getName());
    }

    public synchronized void updateNode(Node node) {
        addNode(node);
    }

    public synchronized void removeNode(Node node) {
        String name = node.getMetadata().getName();
        NodeInfo info = nodes.get(name);
        if (info == null) {
            return;
        }
        if (info.pods().isEmpty()) {
            nodes.remove(name);
        } else {
            // its pods are still counted until they go (Kubernetes keeps a node's pods after the node is deleted)
            info.clearNode(++generation);
        }
        membershipChanged = true;
    }

    /** A pod the informer shows bound to a node; confirms it if it was assumed. */
    public synchronized void addPod(Pod pod) {
        String node = pod.getSpec().getNodeName();
        if (node == null || node.isEmpty() || terminal(pod)) {
            removePod(pod);
            return;
        }
        String uid = pod.getMetadata().getUid();
        PodState known = pods.get(uid);
        if (known != null) {
            remove(uid, known);
        }
        place(pod, node, false, null);
    }

    public synchronized void updatePod(Pod pod) {
        addPod(pod);
    }

    public synchronized void removePod(Pod pod) {
        String uid = pod.getMetadata().getUid();
        PodState known = pods.get(uid);
        if (known != null) {
            remove(uid, known);
        }
    }

    /** Counts {@code pod} (its {@code spec.nodeName} set to the chosen node) before it is bound. */
    public synchronized void assume(Pod pod) {
        String uid = pod.getMetadata().getUid();
        if (pods.containsKey(uid)) {
            throw new IllegalStateException("pod " + uid + " is in the cache already");
        }
        place(pod, pod.getSpec().getNodeName(), true, null);
    }

    /** The binding of an assumed pod went through: it expires if the informer never confirms it. */
    public synchronized void finishBinding(Pod pod) {
        String uid = pod.getMetadata().getUid();
        PodState known = pods.get(uid);
        if (known != null && known.assumed()) {
            pods.put(uid, new PodState(known.pod(), known.node(), true, clock.instant().plus(assumedTtl)));
        }
    }

    /** Undoes {@link #assume}: the binding failed. */
    public synchronized void forget(Pod pod) {
        String uid = pod.getMetadata().getUid();
        PodState known = pods.get(uid);
        if (known != null && known.assumed()) {
            remove(uid, known);
        }
    }

    /** Whether the pod is assumed and not yet confirmed by the informer. */
    public synchronized boolean isAssumed(String uid) {
        PodState known = pods.get(uid);
        return known != null && known.assumed();
    }

    /** Drops assumed pods whose binding finished {@code assumedTtl} ago without the informer confirming them. */
    public synchronized int expireAssumed() {
        Instant now = clock.instant();
        int expired = 0;
        for (Iterator<Map.Entry<String, PodState>> it = pods.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, PodState> e = it.next();
            PodState s = e.getValue();
            if (s.assumed() && s.deadline() != null && now.isAfter(s.deadline())) {
                NodeInfo info = nodes.get(s.node());
                if (info != null) {
                    info.removePod(e.getKey(), ++generation);
                    dirty.add(s.node());
                }
                it.remove();
                expired++;
            }
        }
        return expired;
    }

    /** How many nodes the cache knows (with their Node object). */
    public synchronized int nodeCount() {
        int n = 0;
        for (NodeInfo info : nodes.values()) {
            if (info.node() != null) {
                n++;
            }
        }
        return n;
    }

    /**
     * The cluster for the next cycle: the previous snapshot with the nodes that changed since copied again. Only the
     * scheduling thread calls this, and uses the result until its next call.
     */
    public synchronized Snapshot snapshot() {
        boolean affinityChanged = false;
        if (membershipChanged) {
            snapshotNodes.clear();
            snapshotByName.clear();
            snapshotIndex.clear();
            for (NodeInfo info : nodes.values()) {
                if (info.node() == null) {
                    continue;
                }
                NodeInfo copy = info.copy();
                snapshotIndex.put(copy.name(), snapshotNodes.size());
                snapshotNodes.add(copy);
                snapshotByName.put(copy.name(), copy);
            }
            membershipChanged = false;
            affinityChanged = true;
            layout++;
        } else {
            for (String name : dirty) {
                Integer i = snapshotIndex.get(name);
                NodeInfo live = nodes.get(name);
                if (i == null || live == null) {
                    continue;
                }
                NodeInfo old = snapshotNodes.get(i);
                if (live.generation() <= old.generation()) {
                    continue;
                }
                NodeInfo copy = live.copy();
                snapshotNodes.set(i, copy);
                snapshotByName.put(name, copy);
                affinityChanged |= !old.podsWithAffinity().isEmpty() || !copy.podsWithAffinity().isEmpty();
            }
        }
        dirty.clear();
        if (affinityChanged) {
            snapshotAffinity.clear();
            snapshotAntiAffinity.clear();
            for (NodeInfo info : snapshotNodes) {
                if (!info.podsWithAffinity().isEmpty()) {
                    snapshotAffinity.add(info);
                }
                if (!info.podsWithRequiredAntiAffinity().isEmpty()) {
                    snapshotAntiAffinity.add(info);
                }
            }
        }
        return new Snapshot(snapshotNodes, snapshotByName, snapshotAffinity, snapshotAntiAffinity, layout);
    }

    private void place(Pod pod, String node, boolean assumed, Instant deadline) {
        NodeInfo info = nodes.computeIfAbsent(node, n -> new NodeInfo());
        info.addPod(PodInfo.of(pod), ++generation);
        dirty.add(node);
        pods.put(pod.getMetadata().getUid(), new PodState(pod, node, assumed, deadline));
    }

    private void remove(String uid, PodState known) {
        NodeInfo info = nodes.get(known.node());
        if (info != null) {
            info.removePod(uid, ++generation);
            dirty.add(known.node());
            if (info.node() == null && info.pods().isEmpty()) {
                nodes.remove(known.node());
            }
        }
        pods.remove(uid);
    }

    private static boolean terminal(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }
}
