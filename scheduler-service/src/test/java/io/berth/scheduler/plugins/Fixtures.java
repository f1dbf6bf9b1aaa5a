package io.berth.scheduler.plugins;

import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.Framework;
import io.berth.scheduler.framework.NodeInfo;
import io.berth.scheduler.framework.Plugin;
import io.berth.scheduler.framework.Snapshot;
import io.berth.scheduler.framework.PodInfo;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Nodes and pods for the plugins' table tests, built as the cache would hold them. */
public final class Fixtures {

    private static int uids;

    private Fixtures() {
    }

    /** A node named {@code name} with its {@code kubernetes.io/hostname} label and, unless null, a zone label. */
    public static Node zonedNode(String name, String zone) {
        NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name)
                .addToLabels("kubernetes.io/hostname", name).endMetadata()
                .withNewSpec().endSpec().withNewStatus().endStatus();
        if (zone != null) {
            b.editMetadata().addToLabels("topology.kubernetes.io/zone", zone).endMetadata();
        }
        return b.build();
    }

    /** The nodes' infos, in order, with the pods of {@code placed} (node name to pods) bound on them. */
    public static List<NodeInfo> cluster(List<Node> nodes, Map<String, List<Pod>> placed) {
        List<NodeInfo> infos = new ArrayList<>();
        for (Node node : nodes) {
            String name = node.getMetadata().getName();
            NodeInfo info = new NodeInfo();
            info.setNode(node, 1);
            for (Pod p : placed.getOrDefault(name, List.of())) {
                info.addPod(PodInfo.of(new PodBuilder(p).editSpec().withNodeName(name).endSpec().build()), 2);
            }
            infos.add(info);
        }
        return infos;
    }

    /**
     * Each node's score after normalizing, by node name in order, through a framework of {@code plugin} alone
     * (PreFilter, PreScore and Score run as a cycle runs them; both must succeed).
     */
    public static Map<String, Long> scores(Plugin plugin, List<NodeInfo> nodes, Pod incoming) {
        Framework framework = new Framework(List.of(plugin), Map.of());
        CycleState state = new CycleState();
        assertThat(framework.runPreFilter(state, incoming, new Snapshot(nodes)).isSuccess()).isTrue();
        assertThat(framework.runPreScore(state, incoming, nodes).isSuccess()).isTrue();
        long[] totals = framework.runScore(state, incoming, nodes);
        Map<String, Long> result = new LinkedHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            result.put(nodes.get(i).name(), totals[i]);
        }
        return result;
    }

    /** A node's info with {@code pods} already on it. */
    public static NodeInfo nodeInfo(Node node, Pod... pods) {
        NodeInfo info = new NodeInfo();
        info.setNode(node, 1);
        for (Pod p : pods) {
            info.addPod(PodInfo.of(p), 2);
        }
        return info;
    }

    /** A node with {@code allocatable} given as name/quantity pairs ("cpu", "4", "memory", "8Gi", ...). */
    public static Node node(String name, String... allocatable) {
        return new NodeBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().endSpec()
                .withNewStatus().withAllocatable(quantities(allocatable)).endStatus()
                .build();
    }

    /** A pod with one container requesting {@code requests} as name/quantity pairs; none: a best-effort pod. */
    public static Pod pod(String name, String... requests) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("default").withUid("uid-" + ++uids)
                .endMetadata()
                .withNewSpec().withContainers(container("app", requests)).endSpec()
                .build();
    }

    public static Container container(String name, String... requests) {
        return new ContainerBuilder().withName(name).withImage("registry.example/app:1")
                .withNewResources().withRequests(quantities(requests)).endResources()
                .build();
    }

    private static Map<String, Quantity> quantities(String... pairs) {
        Map<String, Quantity> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], new Quantity(pairs[i + 1]));
        }
        return m;
    }
}
