package io.berth.scheduler.framework;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A node and the pods the scheduler counts on it (bound, and assumed: chosen but not bound yet), with their sums, as
 * Kubernetes' {@code framework.NodeInfo}. The cache owns the live ones and changes them under its lock; a scheduling
 * cycle reads {@link #copy() copies} in its {@link Snapshot}, which nobody changes.
 */
public final class NodeInfo {

    /** A host port a pod uses: {@code hostIP} ("0.0.0.0" when unset), protocol, port. */
    public record HostPort(String ip, String protocol, int port) {

        /** Two uses conflict on the same port and protocol when either binds every address or both the same one. */
        public boolean conflicts(HostPort other) {
            return port == other.port && protocol.equals(other.protocol)
                    && (ip.equals(other.ip) || ip.equals("0.0.0.0") || other.ip.equals("0.0.0.0"));
        }
    }

    private Node node;
    /** The node's labels (never null), kept here so the hottest loops skip two hops through the Node. */
    private Map<String, String> labels = Map.of();
    private final List<PodInfo> pods;
    private final List<PodInfo> podsWithAffinity;
    private final List<PodInfo> podsWithRequiredAntiAffinity;
    private final List<HostPort> usedPorts;
    private final Resource requested;
    private final Resource nonZeroRequested;
    private Resource allocatable = new Resource();
    private long allocatablePods;
    private long generation;

    public NodeInfo() {
        this(null, new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new Resource(),
                new Resource());
    }

    private NodeInfo(Node node, List<PodInfo> pods, List<PodInfo> podsWithAffinity,
                     List<PodInfo> podsWithRequiredAntiAffinity, List<HostPort> usedPorts, Resource requested,
                     Resource nonZeroRequested) {
        this.node = node;
        this.pods = pods;
        this.podsWithAffinity = podsWithAffinity;
        this.podsWithRequiredAntiAffinity = podsWithRequiredAntiAffinity;
        this.usedPorts = usedPorts;
        this.requested = requested;
        this.nonZeroRequested = nonZeroRequested;
    }

    /** The node, or null while only pods bound to a node the cache has not seen yet are known. */
    public Node node() {
        return node;
    }

    public String name() {
        return node.getMetadata().getName();
    }

    public List<PodInfo> pods() {
        return pods;
    }

    public List<PodInfo> podsWithAffinity() {
        return podsWithAffinity;
    }

    public List<PodInfo> podsWithRequiredAntiAffinity() {
        return podsWithRequiredAntiAffinity;
    }

    public List<HostPort> usedPorts() {
        return usedPorts;
    }

    /** The sum of the pods' requests. */
    public Resource requested() {
        return requested;
    }

    /** The sum of the pods' requests with the scoring defaults for missing cpu and memory. */
    public Resource nonZeroRequested() {
        return nonZeroRequested;
    }

    public Resource allocatable() {
        return allocatable;
    }

    /** The node's {@code allocatable.pods}. */
    public long allocatablePods() {
        return allocatablePods;
    }

    /** Raised on every change, so a snapshot copies only what changed. */
    public long generation() {
        return generation;
    }

    /** The node's labels; empty when it has none or is not known. */
    public Map<String, String> labels() {
        return labels;
    }

    public void setNode(Node node, long generation) {
        this.node = node;
        Map<String, String> l = node.getMetadata().getLabels();
        this.labels = l == null ? Map.of() : l;
        Map<String, Quantity> a = node.getStatus() == null ? null : node.getStatus().getAllocatable();
        this.allocatable = Resource.of(a);
        Quantity pods = a == null ? null : a.get("pods");
        this.allocatablePods = pods == null ? 0 : Resource.value(pods);
        this.generation = generation;
    }

    /** The node was deleted while pods are still counted on it. */
    public void clearNode(long generation) {
        this.node = null;
        this.labels = Map.of();
        this.allocatable = new Resource();
        this.allocatablePods = 0;
        this.generation = generation;
    }

    public void addPod(PodInfo p, long generation) {
        pods.add(p);
        if (p.hasAffinity()) {
            podsWithAffinity.add(p);
        }
        if (p.hasRequiredAntiAffinity()) {
            podsWithRequiredAntiAffinity.add(p);
        }
        requested.add(p.requests());
        nonZeroRequested.add(p.nonZeroRequests());
        usedPorts.addAll(hostPorts(p.pod()));
        this.generation = generation;
    }

    /** Removes the pod with {@code uid}; false when it is not here. */
    public boolean removePod(String uid, long generation) {
        for (int i = 0; i < pods.size(); i++) {
            PodInfo p = pods.get(i);
            if (p.uid().equals(uid)) {
                pods.remove(i);
                podsWithAffinity.removeIf(a -> a.uid().equals(uid));
                podsWithRequiredAntiAffinity.removeIf(a -> a.uid().equals(uid));
                requested.subtract(p.requests());
                nonZeroRequested.subtract(p.nonZeroRequests());
                for (HostPort port : hostPorts(p.pod())) {
                    usedPorts.remove(port);
                }
                this.generation = generation;
                return true;
            }
        }
        return false;
    }

    /** A copy that shares the (immutable) pods but none of the lists and sums. */
    public NodeInfo copy() {
        NodeInfo c = new NodeInfo(node, new ArrayList<>(pods), new ArrayList<>(podsWithAffinity),
                new ArrayList<>(podsWithRequiredAntiAffinity), new ArrayList<>(usedPorts), requested.copy(),
                nonZeroRequested.copy());
        c.labels = labels;
        c.allocatable = allocatable;
        c.allocatablePods = allocatablePods;
        c.generation = generation;
        return c;
    }

    /** The host ports a pod's containers declare. */
    public static List<HostPort> hostPorts(Pod pod) {
        List<HostPort> result = new ArrayList<>(0);
        for (Container c : pod.getSpec().getContainers()) {
            if (c.getPorts() == null) {
                continue;
            }
            for (ContainerPort p : c.getPorts()) {
                if (p.getHostPort() != null && p.getHostPort() > 0) {
                    String ip = p.getHostIP() == null || p.getHostIP().isEmpty() ? "0.0.0.0" : p.getHostIP();
                    result.add(new HostPort(ip, p.getProtocol() == null ? "TCP" : p.getProtocol(), p.getHostPort()));
                }
            }
        }
        return result;
    }
}
