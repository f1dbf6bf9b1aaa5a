package io.berth.apimachinery.validation;

import io.berth.apimachinery.errors.FieldError;
import io.fabric8.kubernetes.api.model.Quantity;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Resource quantity rules shared by containers, quotas and limit ranges. */
final class Quantities {

    /** Resources whose quantities must be whole numbers (Kubernetes' {@code IsIntegerResourceName}). */
    private static final Set<String> INTEGER_RESOURCES = Set.of("pods", "services", "replicationcontrollers",
            "resourcequotas", "services.nodeports", "services.loadbalancers", "secrets", "configmaps",
            "persistentvolumeclaims");

    private Quantities() {
    }

    /** The quantity as written ({@code 500m}, {@code 1Gi}). */
    static String text(Quantity q) {
        if (q == null) {
            return "0";
        }
        return (q.getAmount() == null ? "" : q.getAmount()) + (q.getFormat() == null ? "" : q.getFormat());
    }

    /** The numeric value, or null when the text is not a quantity. */
    static BigDecimal value(Quantity q) {
        if (q == null) {
            return BigDecimal.ZERO;
        }
        try {
            return q.getNumericalAmount();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** {@code ValidateResourceQuantityValue}: not negative, and whole for countable resources. */
    static List<FieldError> validateValue(String resource, Quantity q, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        BigDecimal v = value(q);
        if (v == null) {
            errs.add(Errs.invalid(path, text(q), "must be a valid quantity"));
            return errs;
        }
        if (v.signum() < 0) {
            errs.add(Errs.invalid(path, text(q), "must be greater than or equal to 0"));
        }
        if (isIntegerResource(resource) && v.stripTrailingZeros().scale() > 0) {
            errs.add(Errs.invalid(path, text(q), "must be an integer"));
        }
        return errs;
    }

    static boolean isIntegerResource(String resource) {
        return INTEGER_RESOURCES.contains(resource) || resource.startsWith("count/");
    }

    static int compare(Quantity a, Quantity b) {
        BigDecimal va = value(a);
        BigDecimal vb = value(b);
        if (va == null || vb == null) {
            return 0;
        }
        return va.compareTo(vb);
    }
}
