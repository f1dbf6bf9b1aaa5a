package io.berth.controller.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The taints the node lifecycle controller owns, from the node's conditions (Kubernetes' taint-based eviction and
 * {@code taintNodesByCondition}). NoSchedule taints mirror the conditions at once; the NoExecute taint of an unhealthy
 * node ({@code not-ready} when Ready is False, {@code unreachable} when Unknown) evicts pods, so adding it goes through
 * the eviction rate limiter, while swapping one for the other, or removing both once Ready is True, is immediate.
 * Taints of other keys, and NoExecute taints the controller did not choose, are kept. Pure functions.
 */
final class NodeTaints {

    static final String NOT_READY = "node.kubernetes.io/not-ready";
    static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    static final String UNSCHEDULABLE = "node.kubernetes.io/unschedulable";
    static final String NO_SCHEDULE = "NoSchedule";
    static final String NO_EXECUTE = "NoExecute";

    /** Condition type and status → the NoSchedule taint it calls for (Kubernetes' nodeConditionToTaintKeyStatusMap). */
    private static final Map<String, Map<String, String>> BY_CONDITION = Map.of(
            "Ready", Map.of("False", NOT_READY, "Unknown", UNREACHABLE),
            "MemoryPressure", Map.of("True", "node.kubernetes.io/memory-pressure"),
            "DiskPressure", Map.of("True", "node.kubernetes.io/disk-pressure"),
            "NetworkUnavailable", Map.of("True", "node.kubernetes.io/network-unavailable"),
            "PIDPressure", Map.of("True", "node.kubernetes.io/pid-pressure"));
    private static final Set<String> OWNED_NO_SCHEDULE = Set.of(NOT_READY, UNREACHABLE, UNSCHEDULABLE,
            "node.kubernetes.io/memory-pressure", "node.kubernetes.io/disk-pressure",
            "node.kubernetes.io/network-unavailable", "node.kubernetes.io/pid-pressure");

    private NodeTaints() {
    }

    /**
     * The node's taints as they should be now, but for a NoExecute taint still waiting for the rate limiter.
     *
     * @param taints     every taint the node should have now
     * @param noExecute  the NoExecute taint to add once the rate limiter admits the node (null: none waits); its
     *                   {@code timeAdded} is when it was planned
     */
    record Plan(List<Taint> taints, Taint noExecute) {

        /** The taints with the waiting NoExecute taint added: the rate limiter admitted the node. */
        List<Taint> admitted() {
            if (noExecute == null) {
                return taints;
            }
            List<Taint> all = new ArrayList<>(taints);
            all.add(noExecute);
            return all;
        }
    }

    static Plan plan(Node node, Instant now) {
        List<Taint> current = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of()
                : node.getSpec().getTaints();
        List<NodeCondition> conditions = node.getStatus() == null ? null : node.getStatus().getConditions();
        Set<String> noSchedule = new LinkedHashSet<>();
        if (conditions != null) {
            for (NodeCondition c : conditions) {
                String key = BY_CONDITION.getOrDefault(c.getType(), Map.of()).get(c.getStatus());
                if (key != null) {
                    noSchedule.add(key);
                }
            }
        }
        if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
            noSchedule.add(UNSCHEDULABLE);
        }
        List<Taint> taints = new ArrayList<>();
        for (Taint t : current) {
            if (!(NO_SCHEDULE.equals(t.getEffect()) && OWNED_NO_SCHEDULE.contains(t.getKey())
                    && !noSchedule.contains(t.getKey()))) {
                taints.add(t);
            }
        }
        for (String key : noSchedule) {
            if (!has(taints, key, NO_SCHEDULE)) {
                taints.add(new TaintBuilder().withKey(key).withEffect(NO_SCHEDULE).build());
            }
        }

        NodeCondition ready = NodeStatusPlan.condition(conditions, "Ready");
        String status = ready == null ? null : ready.getStatus();
        if ("True".equals(status)) {
            taints.removeIf(t -> NO_EXECUTE.equals(t.getEffect())
                    && (NOT_READY.equals(t.getKey()) || UNREACHABLE.equals(t.getKey())));
            return new Plan(taints, null);
        }
        String wanted = "False".equals(status) ? NOT_READY : "Unknown".equals(status) ? UNREACHABLE : null;
        if (wanted == null) {
            return new Plan(taints, null);
        }
        String opposite = wanted.equals(NOT_READY) ? UNREACHABLE : NOT_READY;
        Taint taint = new TaintBuilder().withKey(wanted).withEffect(NO_EXECUTE).withTimeAdded(Times.format(now))
                .build();
        if (has(taints, opposite, NO_EXECUTE)) {
            // the node was already admitted for eviction: follow the Ready condition at once (the taints mirror it)
            taints.removeIf(t -> NO_EXECUTE.equals(t.getEffect()) && opposite.equals(t.getKey()));
            if (!has(taints, wanted, NO_EXECUTE)) {
                taints.add(taint);
            }
            return new Plan(taints, null);
        }
        return new Plan(taints, has(taints, wanted, NO_EXECUTE) ? null : taint);
    }

    /** The node's NoExecute taints. */
    static List<Taint> noExecute(Node node) {
        if (node.getSpec() == null || node.getSpec().getTaints() == null) {
            return List.of();
        }
        return node.getSpec().getTaints().stream().filter(t -> NO_EXECUTE.equals(t.getEffect())).toList();
    }

    private static boolean has(List<Taint> taints, String key, String effect) {
        for (Taint t : taints) {
            if (key.equals(t.getKey()) && effect.equals(t.getEffect())) {
                return true;
            }
        }
        return false;
    }
}
