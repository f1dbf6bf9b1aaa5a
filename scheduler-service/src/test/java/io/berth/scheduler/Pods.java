package io.berth.scheduler;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

import java.util.Map;

/** Pods and nodes for tests. */
public final class Pods {

    private Pods() {
    }

    /** A pending pod named {@code name} (uid = name) requesting {@code cpu} and {@code memory}, priority {@code p}. */
    public static Pod pending(String name, String cpu, String memory, int priority) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").withUid(name).endMetadata()
                .withNewSpec().withPriority(priority).addNewContainer().withName("c").withImage("host")
                .withNewResources().withRequests(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory)))
                .endResources().endContainer().endSpec().build();
    }

    public static Pod bound(String name, String node, String cpu, String memory) {
        return new PodBuilder(pending(name, cpu, memory, 0)).editSpec().withNodeName(node).endSpec().build();
    }

    public static Node node(String name, String cpu, String memory, int pods) {
        return new NodeBuilder().withNewMetadata().withName(name).addToLabels("kubernetes.io/hostname", name)
                .endMetadata().withNewSpec().endSpec().withNewStatus()
                .withAllocatable(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory),
                        "pods", new Quantity(Integer.toString(pods))))
                .endStatus().build();
    }
}
