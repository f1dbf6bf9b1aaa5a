package io.berth.controller.deployment;

import io.berth.controller.runtime.Times;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static io.berth.controller.deployment.DeploymentUtil.replicas;

/**
 * A deployment's status as a pure function of its replica sets (Kubernetes' {@code calculateStatus} and
 * {@code syncRolloutStatus}): the replica counts, {@code Available}, and {@code Progressing} with its progress
 * deadline.
 */
final class DeploymentStatusPlan {

    static final String AVAILABLE = "Available";
    static final String PROGRESSING = "Progressing";
    static final String NEW_RS_AVAILABLE = "NewReplicaSetAvailable";
    static final String TIMED_OUT = "ProgressDeadlineExceeded";
    static final String PAUSED = "DeploymentPaused";
    static final String RESUMED = "DeploymentResumed";

    private DeploymentStatusPlan() {
    }

    /** The counts and the Available condition (Kubernetes' {@code calculateStatus}). */
    static DeploymentStatus counts(Deployment d, List<ReplicaSet> all, ReplicaSet newSet, Instant now) {
        int available = DeploymentUtil.sumAvailable(all);
        int total = DeploymentUtil.sumReplicas(all);
        DeploymentStatus current = d.getStatus();
        List<DeploymentCondition> conditions = new ArrayList<>(current == null || current.getConditions() == null
                ? List.of() : current.getConditions());
        DeploymentStatus status = new DeploymentStatusBuilder()
                .withObservedGeneration(d.getMetadata().getGeneration())
                .withReplicas(all.stream().mapToInt(DeploymentUtil::statusReplicas).sum())
                .withUpdatedReplicas(newSet == null ? 0 : DeploymentUtil.statusReplicas(newSet))
                .withReadyReplicas(all.stream().mapToInt(DeploymentUtil::ready).sum())
                .withAvailableReplicas(available)
                .withUnavailableReplicas(Math.max(0, total - available))
                .withCollisionCount(current == null ? null : current.getCollisionCount())
                .withConditions(conditions)
                .build();
        if (available >= replicas(d) - DeploymentUtil.maxUnavailable(d)) {
            set(status, condition(AVAILABLE, "True", "MinimumReplicasAvailable",
                    "Deployment has minimum availability.", now));
        } else {
            set(status, condition(AVAILABLE, "False", "MinimumReplicasUnavailable",
                    "Deployment does not have minimum availability.", now));
        }
        return status;
    }

    /**
     * The full status of a rollout (Kubernetes' {@code syncRolloutStatus}): counts, then Progressing — complete,
     * progressing (its lastUpdateTime moves, pushing the deadline), or timed out past
     * {@code progressDeadlineSeconds} since the last progress.
     */
    static DeploymentStatus rollout(Deployment d, List<ReplicaSet> all, ReplicaSet newSet, Instant now) {
        DeploymentStatus status = counts(d, all, newSet, now);
        Integer deadline = d.getSpec().getProgressDeadlineSeconds();
        if (deadline == null || deadline == Integer.MAX_VALUE) {
            remove(status, PROGRESSING);
            return status;
        }
        DeploymentCondition current = get(status, PROGRESSING);
        boolean alreadyComplete = Objects.equals(status.getReplicas(), status.getUpdatedReplicas())
                && current != null && NEW_RS_AVAILABLE.equals(current.getReason());
        if (alreadyComplete) {
            return status;
        }
        String setName = newSet == null ? null : newSet.getMetadata().getName();
        if (complete(d, status)) {
            set(status, condition(PROGRESSING, "True", NEW_RS_AVAILABLE,
                    "ReplicaSet \"" + setName + "\" has successfully progressed.", now));
        } else if (progressing(d, status)) {
            String message = setName == null ? "Deployment \"" + d.getMetadata().getName() + "\" is progressing."
                    : "ReplicaSet \"" + setName + "\" is progressing.";
            DeploymentCondition next = condition(PROGRESSING, "True", "ReplicaSetUpdated", message, now);
            if (current != null) {
                if ("True".equals(current.getStatus())) {
                    next.setLastTransitionTime(current.getLastTransitionTime());
                }
                remove(status, PROGRESSING);
            }
            set(status, next);
        } else if (timedOut(d, status, now)) {
            set(status, condition(PROGRESSING, "False", TIMED_OUT,
                    "ReplicaSet \"" + setName + "\" has timed out progressing.", now));
        }
        return status;
    }

    /** Every pod updated and available, and the status describes the current spec. */
    static boolean complete(Deployment d, DeploymentStatus s) {
        long generation = d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration();
        return n(s.getUpdatedReplicas()) == replicas(d) && n(s.getReplicas()) == replicas(d)
                && n(s.getAvailableReplicas()) == replicas(d)
                && (s.getObservedGeneration() == null ? 0 : s.getObservedGeneration()) >= generation;
    }

    /** The new status shows progress over the deployment's current one (Kubernetes' {@code DeploymentProgressing}). */
    static boolean progressing(Deployment d, DeploymentStatus next) {
        DeploymentStatus old = d.getStatus();
        if (old == null) {
            return n(next.getUpdatedReplicas()) > 0 || n(next.getReadyReplicas()) > 0
                    || n(next.getAvailableReplicas()) > 0;
        }
        int oldStale = n(old.getReplicas()) - n(old.getUpdatedReplicas());
        int newStale = n(next.getReplicas()) - n(next.getUpdatedReplicas());
        return n(next.getUpdatedReplicas()) > n(old.getUpdatedReplicas()) || newStale < oldStale
                || n(next.getReadyReplicas()) > n(old.getReadyReplicas())
                || n(next.getAvailableReplicas()) > n(old.getAvailableReplicas());
    }

    /** No progress for longer than the deadline (Kubernetes' {@code DeploymentTimedOut}). */
    static boolean timedOut(Deployment d, DeploymentStatus s, Instant now) {
        DeploymentCondition c = get(s, PROGRESSING);
        if (c == null || TIMED_OUT.equals(c.getReason())) {
            return false;
        }
        Instant from = Times.parse(c.getLastUpdateTime());
        Integer deadline = d.getSpec().getProgressDeadlineSeconds();
        return from != null && deadline != null && from.plusSeconds(deadline).isBefore(now);
    }

    /** When to look again for a deadline that may pass (Kubernetes' {@code requeueStuckDeployment}), or null. */
    static java.time.Duration untilDeadline(Deployment d, DeploymentStatus s, Instant now) {
        DeploymentCondition c = get(s, PROGRESSING);
        Integer deadline = d.getSpec().getProgressDeadlineSeconds();
        if (c == null || deadline == null || deadline == Integer.MAX_VALUE || complete(d, s)
                || !"True".equals(c.getStatus())) {
            return null;
        }
        Instant from = Times.parse(c.getLastUpdateTime());
        if (from == null) {
            return null;
        }
        java.time.Duration left = java.time.Duration.between(now, from.plusSeconds(deadline)).plusSeconds(1);
        return left.isNegative() ? java.time.Duration.ofSeconds(1) : left;
    }

    /**
     * The Progressing condition a pause or resume sets (Kubernetes' {@code checkPausedConditions}); null when it does
     * not change.
     */
    static DeploymentCondition pauseCondition(Deployment d, Instant now) {
        DeploymentCondition c = get(d.getStatus(), PROGRESSING);
        boolean paused = Boolean.TRUE.equals(d.getSpec().getPaused());
        if (paused && (c == null || !PAUSED.equals(c.getReason()))) {
            return condition(PROGRESSING, "Unknown", PAUSED, "Deployment is paused", now);
        }
        if (!paused && c != null && PAUSED.equals(c.getReason())) {
            return condition(PROGRESSING, "Unknown", RESUMED, "Deployment is resumed", now);
        }
        return null;
    }

    static DeploymentCondition condition(String type, String status, String reason, String message, Instant now) {
        String t = Times.format(now);
        return new DeploymentCondition(t, t, message, reason, status, type);
    }

    static DeploymentCondition get(DeploymentStatus s, String type) {
        if (s == null || s.getConditions() == null) {
            return null;
        }
        return s.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    /**
     * Sets a condition as Kubernetes' {@code SetDeploymentCondition}: unchanged when status and reason are the same;
     * the transition time kept when only the reason changes.
     */
    static void set(DeploymentStatus s, DeploymentCondition c) {
        DeploymentCondition current = get(s, c.getType());
        if (current != null && Objects.equals(current.getStatus(), c.getStatus())
                && Objects.equals(current.getReason(), c.getReason())) {
            return;
        }
        if (current != null && Objects.equals(current.getStatus(), c.getStatus())) {
            c.setLastTransitionTime(current.getLastTransitionTime());
        }
        List<DeploymentCondition> list = new ArrayList<>(s.getConditions() == null ? List.of() : s.getConditions());
        list.removeIf(x -> c.getType().equals(x.getType()));
        list.add(c);
        s.setConditions(list);
    }

    static void remove(DeploymentStatus s, String type) {
        if (s.getConditions() != null) {
            List<DeploymentCondition> list = new ArrayList<>(s.getConditions());
            list.removeIf(x -> type.equals(x.getType()));
            s.setConditions(list);
        }
    }

    /** Whether the status differs from the deployment's (null counts read as 0, as Kubernetes omits zeros). */
    static boolean changed(DeploymentStatus old, DeploymentStatus next) {
        if (old == null) {
            return true;
        }
        return n(old.getReplicas()) != n(next.getReplicas())
                || n(old.getUpdatedReplicas()) != n(next.getUpdatedReplicas())
                || n(old.getReadyReplicas()) != n(next.getReadyReplicas())
                || n(old.getAvailableReplicas()) != n(next.getAvailableReplicas())
                || n(old.getUnavailableReplicas()) != n(next.getUnavailableReplicas())
                || !Objects.equals(old.getObservedGeneration(), next.getObservedGeneration())
                || !Objects.equals(old.getCollisionCount(), next.getCollisionCount())
                || !Objects.equals(emptyToNull(old.getConditions()), emptyToNull(next.getConditions()));
    }

    private static <T> List<T> emptyToNull(List<T> list) {
        return list == null || list.isEmpty() ? null : list;
    }

    static int n(Integer i) {
        return i == null ? 0 : i;
    }
}
