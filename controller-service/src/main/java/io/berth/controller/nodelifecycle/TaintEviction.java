package io.berth.controller.nodelifecycle;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * When a pod bound to a node with NoExecute taints must go (Kubernetes' taint eviction controller): at once if it does
 * not tolerate every one of them; never if it tolerates them all without {@code tolerationSeconds}; otherwise when the
 * first toleration period runs out, counted from when each taint was added. Toleration matching is Kubernetes'
 * ({@code ToleratesTaint}); as in Kubernetes, each taint is judged by the first toleration that tolerates it. Pure.
 */
final class TaintEviction {

    private TaintEviction() {
    }

    /** The verdict for one pod: {@link #NEVER}, {@link #NOW}, or at a time. */
    record Eviction(Instant at, boolean never) {

        static final Eviction NEVER = new Eviction(null, true);
        static final Eviction NOW = new Eviction(null, false);

        static Eviction at(Instant at) {
            return new Eviction(at, false);
        }

        /** Whether the pod must be deleted at {@code now}. */
        boolean due(Instant now) {
            return !never && (at == null || !at.isAfter(now));
        }
    }

    /**
     * @param taints      the node's NoExecute taints
     * @param tolerations the pod's tolerations (null: none)
     * @param addedAt     when each taint was added (its {@code timeAdded}, or when the controller first saw it)
     */
    static Eviction evaluate(List<Taint> taints, List<Toleration> tolerations, Function<Taint, Instant> addedAt) {
        Instant earliest = null;
        for (Taint taint : taints) {
            Toleration used = firstTolerating(tolerations, taint);
            if (used == null) {
                return Eviction.NOW;
            }
            Long seconds = used.getTolerationSeconds();
            if (seconds == null) {
                continue;
            }
            if (seconds <= 0) {
                return Eviction.NOW;
            }
            Instant deadline = addedAt.apply(taint).plus(Duration.ofSeconds(seconds));
            if (earliest == null || deadline.isBefore(earliest)) {
                earliest = deadline;
            }
        }
        return earliest == null ? Eviction.NEVER : Eviction.at(earliest);
    }

    private static Toleration firstTolerating(List<Toleration> tolerations, Taint taint) {
        if (tolerations == null) {
            return null;
        }
        for (Toleration t : tolerations) {
            if (tolerates(t, taint)) {
                return t;
            }
        }
        return null;
    }

    /**
     * Kubernetes' {@code Toleration.ToleratesTaint}: an empty effect matches every effect, an empty key every key;
     * {@code Exists} ignores the value; {@code Equal} (or no operator) compares it; other operators tolerate nothing.
     * Absent strings count as empty, as in Go.
     */
    static boolean tolerates(Toleration toleration, Taint taint) {
        String effect = orEmpty(toleration.getEffect());
        if (!effect.isEmpty() && !effect.equals(orEmpty(taint.getEffect()))) {
            return false;
        }
        String key = orEmpty(toleration.getKey());
        if (!key.isEmpty() && !key.equals(orEmpty(taint.getKey()))) {
            return false;
        }
        String operator = orEmpty(toleration.getOperator());
        return switch (operator) {
            case "", "Equal" -> orEmpty(toleration.getValue()).equals(orEmpty(taint.getValue()));
            case "Exists" -> true;
            default -> false;
        };
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
