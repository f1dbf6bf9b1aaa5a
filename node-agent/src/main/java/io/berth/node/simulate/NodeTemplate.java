package io.berth.node.simulate;

import io.berth.node.status.Taints;
import io.berth.node.config.NodeProperties;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddressBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What each simulated node looks like: its name, labels, taints, pod CIDR, capacity and the status a healthy kubelet
 * reports. Node {@code i} owns the pod block {@code 10.<i/256>.<i%256>.0/24}, so at most 65,536 nodes. Immutable;
 * thread safe.
 */
final class NodeTemplate {

    static final int MAX_NODES = 1 << 16;
    static final String EPHEMERAL_STORAGE = "100Gi";
    static final String KUBELET_VERSION = "v1.32.0";
    static final String RUNTIME_VERSION = "simulated://berth";
    static final String SIMULATED_TYPE = "berth-simulated";

    private final String namePrefix;
    private final String address;
    private final int port;
    private final Map<String, String> extraLabels;
    private final List<Taint> taints;
    private final Map<String, Quantity> capacity;
    private final String bootId;

    NodeTemplate(NodeProperties props, String bootId) {
        NodeProperties.Simulate sim = props.simulate();
        if (sim.count() > MAX_NODES) {
            throw new IllegalArgumentException("berth.node.simulate.count is " + sim.count() + "; at most " + MAX_NODES
                    + " (each node gets a /24 of 10.0.0.0/8 for its pods)");
        }
        this.namePrefix = sim.namePrefix();
        this.address = props.address();
        this.port = props.port();
        this.extraLabels = Map.copyOf(sim.labels());
        this.taints = Taints.parse(sim.taints());
        Map<String, Quantity> c = new LinkedHashMap<>();
        c.put("cpu", new Quantity(sim.cpu()));
        c.put("memory", new Quantity(sim.memory()));
        c.put("pods", new Quantity(Integer.toString(sim.pods())));
        c.put("ephemeral-storage", new Quantity(EPHEMERAL_STORAGE));
        this.capacity = Map.copyOf(c);
        this.bootId = bootId;
    }

    String name(int index) {
        return namePrefix + index;
    }

    /** The InternalIP of every simulated node: this agent's own address, where its endpoint listens. */
    String address() {
        return address;
    }

    static String podCidr(int index) {
        return "10." + (index >> 8) + "." + (index & 0xff) + ".0/24";
    }

    Map<String, String> labels(String name) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("kubernetes.io/hostname", name);
        labels.put("kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", "amd64");
        labels.put("type", SIMULATED_TYPE);
        labels.putAll(extraLabels);
        return labels;
    }

    List<Taint> taints() {
        return taints;
    }

    /** The Node to create: metadata, spec (taints, pod CIDR) and a ready status. */
    Node node(int index, Instant now) {
        String name = name(index);
        return new NodeBuilder()
                .withNewMetadata().withName(name).withLabels(labels(name)).endMetadata()
                .withNewSpec().withTaints(taints).withPodCIDR(podCidr(index)).withPodCIDRs(podCidr(index)).endSpec()
                .withStatus(status(name, now, now))
                .build();
    }

    /**
     * The full status a healthy kubelet reports.
     *
     * @param heartbeat  every condition's {@code lastHeartbeatTime}
     * @param transition every condition's {@code lastTransitionTime}: when the node became ready
     */
    NodeStatus status(String name, Instant heartbeat, Instant transition) {
        String machineId = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
        return new NodeStatusBuilder()
                .withCapacity(capacity)
                .withAllocatable(capacity)
                .withConditions(
                        condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", heartbeat,
                                transition),
                        condition("MemoryPressure", "False", "KubeletHasSufficientMemory",
                                "kubelet has sufficient memory available", heartbeat, transition),
                        condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure",
                                heartbeat, transition),
                        condition("PIDPressure", "False", "KubeletHasSufficientPID",
                                "kubelet has sufficient PID available", heartbeat, transition))
                .withAddresses(new NodeAddressBuilder().withType("InternalIP").withAddress(address).build(),
                        new NodeAddressBuilder().withType("Hostname").withAddress(name).build())
                .withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(port).endKubeletEndpoint()
                .endDaemonEndpoints()
                .withNewNodeInfo()
                .withMachineID(machineId.replace("-", ""))
                .withSystemUUID(machineId)
                .withBootID(bootId)
                .withKernelVersion(System.getProperty("os.version", "simulated"))
                .withOsImage("Berth simulated node")
                .withContainerRuntimeVersion(RUNTIME_VERSION)
                .withKubeletVersion(KUBELET_VERSION)
                .withOperatingSystem("linux")
                .withArchitecture("amd64")
                .endNodeInfo()
                .build();
    }

    private static NodeCondition condition(String type, String status, String reason, String message,
                                           Instant heartbeat, Instant transition) {
        return new NodeConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastHeartbeatTime(Times.format(heartbeat)).withLastTransitionTime(Times.format(transition))
                .build();
    }
}
