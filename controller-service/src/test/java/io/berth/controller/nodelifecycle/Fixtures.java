package io.berth.controller.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Nodes, pods, taints and tolerations for the node lifecycle tests. */
final class Fixtures {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private Fixtures() {
    }

    static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    static NodeCondition condition(String type, String status, Instant heartbeat) {
        return new NodeConditionBuilder().withType(type).withStatus(status).withReason("Kubelet" + status)
                .withMessage("kubelet says " + status).withLastHeartbeatTime(Times.format(heartbeat))
                .withLastTransitionTime(Times.format(T0)).build();
    }

    /** A node whose kubelet posted all four conditions (Ready as given, no pressure) at {@code heartbeat}. */
    static Node node(String name, String ready, Instant heartbeat, Taint... taints) {
        List<NodeCondition> conditions = new ArrayList<>();
        conditions.add(condition("Ready", ready, heartbeat));
        for (String pressure : List.of("MemoryPressure", "DiskPressure", "PIDPressure")) {
            conditions.add(condition(pressure, "False", heartbeat));
        }
        return new NodeBuilder().withNewMetadata().withName(name).withUid("uid-" + name).withResourceVersion("1")
                .withCreationTimestamp(Times.format(T0)).endMetadata()
                .withNewSpec().withTaints(taints).endSpec()
                .withNewStatus().withConditions(conditions).endStatus().build();
    }

    static Lease lease(String node, Instant renewed) {
        return new LeaseBuilder().withNewMetadata().withNamespace("kube-node-lease").withName(node).endMetadata()
                .withNewSpec().withHolderIdentity(node).withRenewTime(renewed.atZone(ZoneOffset.UTC)).endSpec().build();
    }

    static Pod pod(String name, String node, Toleration... tolerations) {
        return new PodBuilder().withNewMetadata().withNamespace("default").withName(name).withUid("uid-" + name)
                .withResourceVersion("1").endMetadata()
                .withNewSpec().withNodeName(node).withTolerations(tolerations).endSpec()
                .withNewStatus().withPhase("Running").withConditions(
                        new PodConditionBuilder().withType("Ready").withStatus("True").build()).endStatus().build();
    }

    static Taint taint(String key, String effect) {
        return new TaintBuilder().withKey(key).withEffect(effect).build();
    }

    static Taint taint(String key, String value, String effect, Instant added) {
        return new TaintBuilder().withKey(key).withValue(value).withEffect(effect)
                .withTimeAdded(added == null ? null : Times.format(added)).build();
    }

    static Toleration toleration(String key, String operator, String value, String effect, Long seconds) {
        return new TolerationBuilder().withKey(key).withOperator(operator).withValue(value).withEffect(effect)
                .withTolerationSeconds(seconds).build();
    }

    /** The toleration Kubernetes' DefaultTolerationSeconds admission gives every pod. */
    static Toleration tolerateFor(String key, long seconds) {
        return toleration(key, "Exists", null, "NoExecute", seconds);
    }
}
