package io.berth.scheduler.plugins.tainttoleration;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;

import java.util.List;

/**
 * Whether tolerations tolerate a taint, as Kubernetes' {@code Toleration.ToleratesTaint} and
 * {@code TolerationsTolerateTaint}. Absent strings count as empty, as in Go. Stateless and allocation-free: Filter and
 * Score call it for every node.
 */
public final class Tolerations {

    private Tolerations() {
    }

    /** True when at least one of {@code tolerations} (null: none) tolerates {@code taint}. */
    public static boolean tolerates(List<Toleration> tolerations, Taint taint) {
        if (tolerations == null) {
            return false;
        }
        for (int i = 0; i < tolerations.size(); i++) {
            if (tolerates(tolerations.get(i), taint)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Kubernetes' rules: an empty effect matches every effect; an empty key matches every key (validation only allows
     * it with {@code Exists}); {@code Exists} ignores the value; {@code Equal} or an empty operator compares it; any
     * other operator tolerates nothing.
     */
    public static boolean tolerates(Toleration toleration, Taint taint) {
        String effect = toleration.getEffect();
        if (effect != null && !effect.isEmpty() && !effect.equals(taint.getEffect())) {
            return false;
        }
        String key = toleration.getKey();
        if (key != null && !key.isEmpty() && !key.equals(taint.getKey())) {
            return false;
        }
        String operator = toleration.getOperator();
        if (operator == null || operator.isEmpty() || operator.equals("Equal")) {
            return orEmpty(toleration.getValue()).equals(orEmpty(taint.getValue()));
        }
        return operator.equals("Exists");
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
