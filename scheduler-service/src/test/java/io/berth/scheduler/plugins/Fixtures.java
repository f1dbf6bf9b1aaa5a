package io.berth.scheduler.plugins;

import io.berth.scheduler.framework.NodeInfo;
import io.berth.scheduler.framework.PodInfo;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

import java.util.LinkedHashMap;
import java.util.Map;

/** Nodes and pods for the plugins' table tests, built as the cache would hold them. */
public final class Fixtures {

    private static int uids;

    private Fixtures() {
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
