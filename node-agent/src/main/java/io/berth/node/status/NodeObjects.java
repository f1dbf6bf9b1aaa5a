package io.berth.node.status;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The Node and Lease objects a kubelet writes, as pure functions of what it knows, so they are table-tested without a
 * cluster and shared by the real node and the simulated ones.
 */
public final class NodeObjects {

    public static final String LEASE_NAMESPACE = "kube-node-lease";
    public static final String AGENT_VERSION = "v1.32.0-berth";

    private NodeObjects() {
    }

    /**
     * What the Node says about itself.
     *
     * @param name       the node's name
     * @param address    its InternalIP
     * @param port       the logs/exec endpoint's port ({@code daemonEndpoints.kubeletEndpoint})
     * @param capacity   cpu, memory, pods, ephemeral-storage
     * @param labels     extra labels (beside the well-known ones)
     * @param taints     registration taints
     * @param podCidr    {@code spec.podCIDR}, or null: the Node registers without one and the controller manager's
     *                   node IPAM assigns it
     * @param machine    the machine's facts for {@code nodeInfo}
     */
    public record Description(String name, String address, int port, Map<String, Quantity> capacity,
                              Map<String, String> labels, List<Taint> taints, String podCidr, MachineInfo machine) {
    }

    /**
     * The Node to create at registration: labels, taints, {@code spec.podCIDR}/{@code podCIDRs} when the description
     * has one, and the first status.
     */
    public static Node node(Description d, MachineInfo.Pressure pressure, Instant now) {
        return node(d, pressure, Optional.empty(), now);
    }

    /** {@link #node(Description, MachineInfo.Pressure, Instant)} with Ready from the pod network's readiness. */
    public static Node node(Description d, MachineInfo.Pressure pressure, Optional<String> networkNotReady,
                            Instant now) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("kubernetes.io/hostname", d.name());
        labels.put("kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", d.machine().architecture());
        labels.put("beta.kubernetes.io/os", "linux");
        labels.put("beta.kubernetes.io/arch", d.machine().architecture());
        labels.putAll(d.labels());
        return new NodeBuilder()
                .withNewMetadata().withName(d.name()).withLabels(labels).endMetadata()
                .withNewSpec().withTaints(d.taints().isEmpty() ? null : d.taints()).withPodCIDR(d.podCidr())
                .withPodCIDRs(d.podCidr() == null ? null : List.of(d.podCidr())).endSpec()
                .withStatus(status(d, pressure, List.of(), networkNotReady, now))
                .build();
    }

    /**
     * The node's status now, its pod network ready; conditions whose status did not change keep their
     * {@code lastTransitionTime} from {@code previous}.
     */
    public static NodeStatus status(Description d, MachineInfo.Pressure pressure, List<NodeCondition> previous,
                                    Instant now) {
        return status(d, pressure, previous, Optional.empty(), now);
    }

    /**
     * The node's status now. Ready is False (reason {@code KubeletNotReady}) while {@code networkNotReady} holds why
     * the pod network is not ready, as the kubelet reports a runtime whose {@code NetworkReady} is false; conditions
     * whose status did not change keep their {@code lastTransitionTime} from {@code previous}.
     */
    public static NodeStatus status(Description d, MachineInfo.Pressure pressure, List<NodeCondition> previous,
                                    Optional<String> networkNotReady, Instant now) {
        MachineInfo m = d.machine();
        List<NodeCondition> conditions = List.of(
                condition(previous, "MemoryPressure", pressure.memory(), pressure.memory() ? "KubeletHasInsufficientMemory"
                        : "KubeletHasSufficientMemory", pressure.memory() ? "kubelet has insufficient memory available"
                        : "kubelet has sufficient memory available", now),
                condition(previous, "DiskPressure", pressure.disk(), pressure.disk() ? "KubeletHasDiskPressure"
                        : "KubeletHasNoDiskPressure", pressure.disk() ? "kubelet has disk pressure"
                        : "kubelet has no disk pressure", now),
                condition(previous, "PIDPressure", pressure.pid(), pressure.pid() ? "KubeletHasInsufficientPID"
                        : "KubeletHasSufficientPID", pressure.pid() ? "kubelet has insufficient PID available"
                        : "kubelet has sufficient PID available", now),
                networkNotReady.isPresent()
                        ? condition(previous, "Ready", false, "KubeletNotReady", networkNotReadyMessage(
                                networkNotReady.get()), now)
                        : condition(previous, "Ready", true, "KubeletReady", "kubelet is posting ready status", now));
        List<NodeCondition> all = new ArrayList<>(conditions);
        // conditions the agent does not own (e.g. UnmanagedWorkloads) are kept as they are
        for (NodeCondition c : previous) {
            if (all.stream().noneMatch(x -> x.getType().equals(c.getType()))) {
                all.add(c);
            }
        }
        return new NodeStatusBuilder()
                .withCapacity(d.capacity())
                .withAllocatable(d.capacity())
                .withAddresses(new NodeAddress(d.address(), "InternalIP"), new NodeAddress(d.name(), "Hostname"))
                .withNewDaemonEndpoints().withNewKubeletEndpoint(d.port()).endDaemonEndpoints()
                .withNewNodeInfo()
                .withArchitecture(m.architecture())
                .withOperatingSystem("linux")
                .withKernelVersion(m.kernelVersion())
                .withOsImage(m.osImage())
                .withMachineID(m.machineId())
                .withSystemUUID(m.machineId())
                .withBootID(m.bootId())
                .withContainerRuntimeVersion(m.runtimeVersion())
                .withKubeletVersion(AGENT_VERSION)
                .withKubeProxyVersion("")
                .endNodeInfo()
                .withConditions(all)
                .build();
    }

    /** The Ready condition's message while the pod network is not ready, worded as the kubelet's. */
    static String networkNotReadyMessage(String why) {
        return "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:" + why;
    }

    /** Upserts a condition into {@code conditions} (a copy), keeping its transition time when its status holds. */
    public static List<NodeCondition> withCondition(List<NodeCondition> conditions, NodeCondition c) {
        List<NodeCondition> out = new ArrayList<>();
        boolean replaced = false;
        for (NodeCondition old : conditions) {
            if (old.getType().equals(c.getType())) {
                NodeCondition copy = new NodeConditionBuilder(c).build();
                if (Objects.equals(old.getStatus(), c.getStatus())) {
                    copy.setLastTransitionTime(old.getLastTransitionTime());
                }
                out.add(copy);
                replaced = true;
            } else {
                out.add(old);
            }
        }
        if (!replaced) {
            out.add(c);
        }
        return out;
    }

    /** True when the two condition lists differ in anything but heartbeat times. */
    public static boolean conditionsChanged(List<NodeCondition> a, List<NodeCondition> b) {
        return !key(a).equals(key(b));
    }

    private static Map<String, String> key(List<NodeCondition> conditions) {
        Map<String, String> key = new LinkedHashMap<>();
        for (NodeCondition c : conditions == null ? List.<NodeCondition>of() : conditions) {
            key.put(c.getType(), c.getStatus() + "|" + c.getReason() + "|" + c.getMessage());
        }
        return new java.util.TreeMap<>(key);
    }

    private static NodeCondition condition(List<NodeCondition> previous, String type, boolean on, String reason,
                                           String message, Instant now) {
        String status = on ? "True" : "False";
        String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
        String transition = previous.stream()
                .filter(c -> c.getType().equals(type) && status.equals(c.getStatus()))
                .map(NodeCondition::getLastTransitionTime).filter(Objects::nonNull).findFirst().orElse(time);
        return new NodeConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastHeartbeatTime(time).withLastTransitionTime(transition).build();
    }

    /** The node's Lease, owned by its Node as the kubelet sets it, renewed at {@code now}. */
    public static Lease lease(Node node, int durationSeconds, Instant now) {
        return new LeaseBuilder()
                .withNewMetadata().withName(node.getMetadata().getName()).withNamespace(LEASE_NAMESPACE)
                .addNewOwnerReference().withApiVersion("v1").withKind("Node")
                .withName(node.getMetadata().getName()).withUid(node.getMetadata().getUid()).endOwnerReference()
                .endMetadata()
                .withNewSpec().withHolderIdentity(node.getMetadata().getName())
                .withLeaseDurationSeconds(durationSeconds).withRenewTime(now.atZone(java.time.ZoneOffset.UTC)).endSpec()
                .build();
    }
}
