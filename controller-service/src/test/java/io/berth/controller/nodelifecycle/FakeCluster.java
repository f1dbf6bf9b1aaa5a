package io.berth.controller.nodelifecycle;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The caches and the API in one: writes land in the caches at once (an informer that never lags), guarded by
 * resourceVersion as the API server does, and each is recorded as a line ({@code PUT nodes/n1/status}, ...).
 */
final class FakeCluster implements NodeLifecycleReconciler.Caches, NodeLifecycleWrites {

    final Map<String, Node> nodes = new TreeMap<>();
    final Map<String, Lease> leases = new TreeMap<>();
    final Map<String, Pod> pods = new TreeMap<>();
    final List<String> writes = new ArrayList<>();
    final List<String> events = new ArrayList<>();
    private int conflicts;
    private long version = 100;

    void add(Node node) {
        nodes.put(node.getMetadata().getName(), node);
    }

    void add(Lease lease) {
        leases.put(lease.getMetadata().getName(), lease);
    }

    void add(Pod pod) {
        pods.put(pod.getMetadata().getName(), pod);
    }

    /** The next {@code n} node writes fail with 409 Conflict. */
    void conflictNext(int n) {
        conflicts = n;
    }

    List<String> takeWrites() {
        List<String> taken = List.copyOf(writes);
        writes.clear();
        return taken;
    }

    List<String> takeEvents() {
        List<String> taken = List.copyOf(events);
        events.clear();
        return taken;
    }

    @Override
    public Node node(String name) {
        return nodes.get(name);
    }

    @Override
    public List<Node> nodes() {
        return List.copyOf(nodes.values());
    }

    @Override
    public Lease lease(String nodeName) {
        return leases.get(nodeName);
    }

    @Override
    public List<Pod> pods(String nodeName) {
        return pods.values().stream().filter(p -> nodeName.equals(p.getSpec().getNodeName()))
                .sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
    }

    @Override
    public Node updateNodeStatus(Node node) {
        return writeNode(node, "PUT nodes/" + node.getMetadata().getName() + "/status");
    }

    @Override
    public Node updateNode(Node node) {
        return writeNode(node, "PUT nodes/" + node.getMetadata().getName());
    }

    private Node writeNode(Node node, String line) {
        String name = node.getMetadata().getName();
        Node stored = nodes.get(name);
        if (conflicts > 0 || !stored.getMetadata().getResourceVersion().equals(
                node.getMetadata().getResourceVersion())) {
            conflicts = Math.max(0, conflicts - 1);
            throw new KubernetesClientException(new StatusBuilder().withCode(409).withReason("Conflict")
                    .withMessage("the object has been modified").build());
        }
        writes.add(line);
        Node written = new NodeBuilder(node).editMetadata().withResourceVersion(String.valueOf(++version))
                .endMetadata().build();
        nodes.put(name, written);
        return written;
    }

    @Override
    public boolean patchPodConditions(Pod pod, List<PodCondition> conditions) {
        Pod stored = pods.get(pod.getMetadata().getName());
        if (stored == null) {
            return false;
        }
        PodBuilder patched = new PodBuilder(stored);
        for (PodCondition c : conditions) {
            writes.add("PATCH pods/" + pod.getMetadata().getName() + "/status " + c.getType() + "=" + c.getStatus());
            patched.editStatus().removeMatchingFromConditions(old -> old.getType().equals(c.getType()))
                    .addToConditions(c).endStatus();
        }
        pods.put(pod.getMetadata().getName(), patched.build());
        return true;
    }

    @Override
    public void deletePod(Pod pod) {
        writes.add("DELETE pods/" + pod.getMetadata().getName());
        Pod stored = pods.get(pod.getMetadata().getName());
        if (stored != null) {
            // graceful: the pod stays, terminating, until its kubelet confirms (which an unreachable one never does)
            pods.put(pod.getMetadata().getName(), new PodBuilder(stored).editMetadata()
                    .withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata().build());
        }
    }

    @Override
    public void event(HasMetadata about, String type, String reason, String message) {
        events.add(type + " " + reason + " " + about.getKind() + "/" + about.getMetadata().getName() + ": "
                + message);
    }
}
