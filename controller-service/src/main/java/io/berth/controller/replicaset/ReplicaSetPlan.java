package io.berth.controller.replicaset;

import io.berth.controller.runtime.Pods;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.berth.controller.runtime.Times;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A replica set's plan as pure functions (Kubernetes' {@code manageReplicas} and {@code calculateStatus}): how many
 * pods to create, which to delete (the least valuable first), and the status its pods amount to.
 */
public final class ReplicaSetPlan {

    /** Kubernetes' {@code BurstReplicas}: the most pods one sync creates or deletes. */
    public static final int BURST_REPLICAS = 500;

    private ReplicaSetPlan() {
    }

    /** What one sync does: create {@code create} pods, or delete {@code delete}. */
    public record Scale(int create, List<Pod> delete) {
        static final Scale NOTHING = new Scale(0, List.of());
    }

    /**
     * The scaling step towards {@code replicas} given the replica set's active pods.
     *
     * @param active the pods it owns that are neither finished nor being deleted
     */
    public static Scale scale(int replicas, List<Pod> active) {
        int diff = active.size() - replicas;
        if (diff < 0) {
            return new Scale(Math.min(-diff, BURST_REPLICAS), List.of());
        }
        if (diff > 0) {
            return new Scale(0, podsToDelete(active, Math.min(diff, BURST_REPLICAS)));
        }
        return Scale.NOTHING;
    }

    /**
     * The {@code n} least valuable pods (Kubernetes' {@code ActivePodsWithRanks} order): unassigned before assigned;
     * Pending before Unknown before Running; not ready before ready; more of the set's pods on the same node first;
     * ready for less time first; more restarts first; newer first.
     */
    static List<Pod> podsToDelete(List<Pod> active, int n) {
        Map<String, Integer> perNode = new HashMap<>();
        for (Pod p : active) {
            if (Pods.isBound(p)) {
                perNode.merge(p.getSpec().getNodeName(), 1, Integer::sum);
            }
        }
        Comparator<Pod> order = Comparator
                .comparing((Pod p) -> Pods.isBound(p))
                .thenComparing(p -> phaseRank(Pods.phase(p)))
                .thenComparing(Pods::isReady)
                .thenComparing(p -> Pods.isBound(p) ? -perNode.get(p.getSpec().getNodeName()) : 0)
                .thenComparing(p -> readySince(p), Comparator.nullsFirst(Comparator.<Instant>reverseOrder()))
                .thenComparing(p -> -restarts(p))
                .thenComparing(p -> p.getMetadata().getCreationTimestamp(),
                        Comparator.nullsFirst(Comparator.<String>reverseOrder()));
        List<Pod> sorted = new ArrayList<>(active);
        sorted.sort(order);
        return List.copyOf(sorted.subList(0, Math.min(n, sorted.size())));
    }

    private static int phaseRank(String phase) {
        if ("Pending".equals(phase)) {
            return 0;
        }
        if ("Running".equals(phase)) {
            return 2;
        }
        return 1;
    }

    private static Instant readySince(Pod p) {
        PodCondition ready = Pods.readyCondition(p);
        return ready == null || !"True".equals(ready.getStatus()) ? null : Times.parse(ready.getLastTransitionTime());
    }

    private static int restarts(Pod p) {
        if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
            return 0;
        }
        return p.getStatus().getContainerStatuses().stream()
                .mapToInt(s -> s.getRestartCount() == null ? 0 : s.getRestartCount()).max().orElse(0);
    }

    /**
     * The status the active pods amount to (Kubernetes' {@code calculateStatus}); {@code failure} is the error of
     * this sync's creations or deletions (the {@code ReplicaFailure} condition), or null.
     */
    public static ReplicaSetStatus status(ReplicaSet rs, List<Pod> active, String failureReason, String failure,
                                          Instant now) {
        Map<String, String> templateLabels = rs.getSpec().getTemplate() == null
                || rs.getSpec().getTemplate().getMetadata() == null
                || rs.getSpec().getTemplate().getMetadata().getLabels() == null
                ? Map.of() : rs.getSpec().getTemplate().getMetadata().getLabels();
        int minReady = rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds();
        int fullyLabeled = 0;
        int ready = 0;
        int available = 0;
        for (Pod p : active) {
            Map<String, String> labels = p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels();
            if (labels.entrySet().containsAll(templateLabels.entrySet())) {
                fullyLabeled++;
            }
            if (Pods.isReady(p)) {
                ready++;
                if (Pods.isAvailable(p, minReady, now)) {
                    available++;
                }
            }
        }
        List<ReplicaSetCondition> conditions = new ArrayList<>();
        ReplicaSetCondition existing = null;
        if (rs.getStatus() != null && rs.getStatus().getConditions() != null) {
            for (ReplicaSetCondition c : rs.getStatus().getConditions()) {
                if ("ReplicaFailure".equals(c.getType())) {
                    existing = c;
                } else {
                    conditions.add(c);
                }
            }
        }
        if (failure != null) {
            if (existing != null && "True".equals(existing.getStatus()) && Objects.equals(failure, existing.getMessage())
                    && Objects.equals(failureReason, existing.getReason())) {
                conditions.add(existing);
            } else {
                conditions.add(new ReplicaSetCondition(Times.format(now), failure, failureReason, "True",
                        "ReplicaFailure"));
            }
        }
        return new ReplicaSetStatusBuilder()
                .withReplicas(active.size())
                .withFullyLabeledReplicas(fullyLabeled)
                .withReadyReplicas(ready)
                .withAvailableReplicas(available)
                .withObservedGeneration(rs.getMetadata().getGeneration())
                .withConditions(conditions.isEmpty() ? null : conditions)
                .build();
    }

    /**
     * Whether two statuses differ in what the controller sets (fabric8 reads absent counts as null, Kubernetes as 0).
     */
    public static boolean changed(ReplicaSetStatus old, ReplicaSetStatus next) {
        if (old == null) {
            return true;
        }
        return n(old.getReplicas()) != n(next.getReplicas())
                || n(old.getFullyLabeledReplicas()) != n(next.getFullyLabeledReplicas())
                || n(old.getReadyReplicas()) != n(next.getReadyReplicas())
                || n(old.getAvailableReplicas()) != n(next.getAvailableReplicas())
                || !Objects.equals(old.getObservedGeneration(), next.getObservedGeneration())
                || !Objects.equals(emptyToNull(old.getConditions()), emptyToNull(next.getConditions()));
    }

    private static <T> List<T> emptyToNull(List<T> list) {
        return list == null || list.isEmpty() ? null : list;
    }

    private static int n(Integer i) {
        return i == null ? 0 : i;
    }

    /**
     * Kubernetes' slow start: creations go in batches of 1, 2, 4, ... so a replica set whose pods all fail (quota,
     * admission) sends one request, not hundreds.
     */
    public static List<Integer> slowStartBatches(int total) {
        List<Integer> batches = new ArrayList<>();
        int remaining = total;
        int size = 1;
        while (remaining > 0) {
            int b = Math.min(size, remaining);
            batches.add(b);
            remaining -= b;
            size *= 2;
        }
        return batches;
    }
}
