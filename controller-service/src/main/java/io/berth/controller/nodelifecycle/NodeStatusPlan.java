package io.berth.controller.nodelifecycle;

import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What changes when the controller declares a node's kubelet gone (Kubernetes' {@code tryUpdateNodeHealth} and
 * {@code MarkPodsNotReady}): the conditions the kubelet reports turn Unknown, and the pods bound to the node stop
 * being Ready, so Services stop sending them traffic. Pure functions.
 */
final class NodeStatusPlan {

    /** The conditions a kubelet reports; Kubernetes' controller turns exactly these Unknown. */
    static final List<String> KUBELET_CONDITIONS = List.of("Ready", "MemoryPressure", "DiskPressure", "PIDPressure");
    static final String STATUS_UNKNOWN_REASON = "NodeStatusUnknown";
    static final String STATUS_UNKNOWN_MESSAGE = "Kubelet stopped posting node status.";
    static final String NEVER_UPDATED_REASON = "NodeStatusNeverUpdated";
    static final String NEVER_UPDATED_MESSAGE = "Kubelet never posted node status.";

    private NodeStatusPlan() {
    }

    /**
     * The node's conditions once its kubelet counts as gone.
     *
     * @param conditions     every condition the node has now (other types are kept as they are)
     * @param becameNotReady whether Ready was True before: the change is then reported ({@code NodeNotReady})
     */
    record StatusChange(List<NodeCondition> conditions, boolean becameNotReady) {
    }

    /**
     * Every kubelet condition set to Unknown ({@code NodeStatusUnknown}, transition {@code now}, heartbeat kept); a
     * missing one added as never updated (heartbeat at the node's creation); one already Unknown left alone. Null when
     * nothing changes (the node was declared gone before), so a second pass writes nothing.
     */
    static StatusChange unknown(List<NodeCondition> current, String creationTimestamp, Instant now) {
        List<NodeCondition> conditions = current == null ? new ArrayList<>() : new ArrayList<>(current);
        String nowText = Times.format(now);
        boolean changed = false;
        boolean wasReady = false;
        for (String type : KUBELET_CONDITIONS) {
            int i = indexOf(conditions, type);
            if (i < 0) {
                conditions.add(new NodeConditionBuilder().withType(type).withStatus("Unknown")
                        .withReason(NEVER_UPDATED_REASON).withMessage(NEVER_UPDATED_MESSAGE)
                        .withLastHeartbeatTime(creationTimestamp).withLastTransitionTime(nowText).build());
                changed = true;
            } else if (!"Unknown".equals(conditions.get(i).getStatus())) {
                wasReady |= type.equals("Ready") && "True".equals(conditions.get(i).getStatus());
                conditions.set(i, new NodeConditionBuilder(conditions.get(i)).withStatus("Unknown")
                        .withReason(STATUS_UNKNOWN_REASON).withMessage(STATUS_UNKNOWN_MESSAGE)
                        .withLastTransitionTime(nowText).build());
                changed = true;
            }
        }
        return changed ? new StatusChange(conditions, wasReady) : null;
    }

    /**
     * The Ready condition each pod bound to {@code nodeName} should get: False (transition {@code now}, reason and
     * message kept), for every pod whose Ready condition is not False already; pods without one are left alone, as in
     * Kubernetes.
     */
    static List<PodReadiness> podsNotReady(String nodeName, List<Pod> pods, Instant now) {
        List<PodReadiness> changes = new ArrayList<>();
        for (Pod pod : pods) {
            if (pod.getSpec() == null || !nodeName.equals(pod.getSpec().getNodeName()) || pod.getStatus() == null
                    || pod.getStatus().getConditions() == null) {
                continue;
            }
            for (PodCondition c : pod.getStatus().getConditions()) {
                if ("Ready".equals(c.getType()) && !"False".equals(c.getStatus())) {
                    changes.add(new PodReadiness(pod, new PodConditionBuilder(c).withStatus("False")
                            .withLastTransitionTime(Times.format(now)).build()));
                    break;
                }
            }
        }
        return changes;
    }

    /** A pod and the Ready condition to write to its status. */
    record PodReadiness(Pod pod, PodCondition ready) {
    }

    /** The condition of {@code type}, or null. */
    static NodeCondition condition(List<NodeCondition> conditions, String type) {
        int i = conditions == null ? -1 : indexOf(conditions, type);
        return i < 0 ? null : conditions.get(i);
    }

    private static int indexOf(List<NodeCondition> conditions, String type) {
        for (int i = 0; i < conditions.size(); i++) {
            if (type.equals(conditions.get(i).getType())) {
                return i;
            }
        }
        return -1;
    }
}
