package io.berth.scheduler.queue;

import io.berth.scheduler.framework.PodInfo;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pending pods nominated to a node by preemption (Kubernetes' {@code PodNominator}): while their victims
 * terminate, the room they freed is held for them, so a pod of lower priority does not take it. A nomination comes
 * from a pod's {@code status.nominatedNodeName} as the informer shows it, or from this scheduler's preemption before
 * the API reports it; it ends when the pod is scheduled, bound or deleted.
 *
 * <p>Thread safe: writers (informer threads, the scheduling thread) synchronize; {@link #on} reads immutable lists
 * without a lock, as it is called for every node of every cycle.
 */
public final class Nominator {

    private final Map<String, List<PodInfo>> byNode = new ConcurrentHashMap<>();
    private final Map<String, String> nodeOf = new HashMap<>();
    /** Nominated here and not yet seen in the pod's status. */
    private final Set<String> unreported = new HashSet<>();

    /** The informer's view of a pending pod: its {@code status.nominatedNodeName}, when set, nominates it. */
    public synchronized void seen(Pod pod) {
        String uid = pod.getMetadata().getUid();
        String node = pod.getStatus() == null ? null : pod.getStatus().getNominatedNodeName();
        if (node == null || node.isEmpty()) {
            String held = nodeOf.get(uid);
            if (held != null && unreported.contains(uid)) {
                // nominated here a moment ago; the API has not caught up: keep the node, take the newer pod
                put(uid, held, PodInfo.of(pod));
            } else {
                remove(uid);
            }
            return;
        }
        unreported.remove(uid);
        put(uid, node, PodInfo.of(pod));
    }

    /** This scheduler's preemption nominated {@code node} for the pod. */
    public synchronized void nominate(Pod pod, String node) {
        unreported.add(pod.getMetadata().getUid());
        put(pod.getMetadata().getUid(), node, PodInfo.of(pod));
    }

    /** The pod was scheduled, bound or deleted. */
    public synchronized void remove(String uid) {
        unreported.remove(uid);
        detach(uid);
    }

    /** The pods nominated to {@code node} (an immutable list; empty when none). */
    public List<PodInfo> on(String node) {
        return byNode.getOrDefault(node, List.of());
    }

    public boolean isEmpty() {
        return byNode.isEmpty();
    }

    private void put(String uid, String node, PodInfo pod) {
        detach(uid);
        nodeOf.put(uid, node);
        List<PodInfo> pods = new ArrayList<>(byNode.getOrDefault(node, List.of()));
        pods.add(pod);
        byNode.put(node, List.copyOf(pods));
    }

    private void detach(String uid) {
        String node = nodeOf.remove(uid);
        if (node == null) {
            return;
        }
        List<PodInfo> left = new ArrayList<>(byNode.getOrDefault(node, List.of()));
        left.removeIf(p -> p.uid().equals(uid));
        if (left.isEmpty()) {
            byNode.remove(node);
        } else {
            byNode.put(node, List.copyOf(left));
        }
    }
}
