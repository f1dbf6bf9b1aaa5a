package io.berth.apimachinery.validation;

import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.errors.FieldError;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Deployment and ReplicaSet rules (Kubernetes' apps validation, apps/v1 strategies). */
final class AppsValidation {

    private static final String NOT_NEGATIVE = "must be greater than or equal to 0";

    private AppsValidation() {
    }

    static List<FieldError> validateDeployment(Deployment d) {
        List<FieldError> errs = new ArrayList<>();
        DeploymentSpec spec = d.getSpec() == null ? new DeploymentSpec() : d.getSpec();
        FieldPath path = FieldPath.of("spec");
        int replicas = spec.getReplicas() == null ? 1 : spec.getReplicas();
        nonNegative(errs, replicas, path.child("replicas"));
        errs.addAll(validateSelectorAndTemplate(spec.getSelector(), spec.getTemplate(), replicas, path));
        errs.addAll(validateStrategy(spec.getStrategy(), path.child("strategy")));
        int minReady = spec.getMinReadySeconds() == null ? 0 : spec.getMinReadySeconds();
        nonNegative(errs, minReady, path.child("minReadySeconds"));
        if (spec.getRevisionHistoryLimit() != null) {
            nonNegative(errs, spec.getRevisionHistoryLimit(), path.child("revisionHistoryLimit"));
        }
        if (spec.getProgressDeadlineSeconds() != null) {
            int pds = spec.getProgressDeadlineSeconds();
            if (pds <= 0) {
                errs.add(Errs.invalid(path.child("progressDeadlineSeconds"), pds, "must be greater than zero"));
            }
            if (pds <= minReady) {
                errs.add(Errs.invalid(path.child("progressDeadlineSeconds"), pds, "must be greater than minReadySeconds"));
            }
        }
        return errs;
    }

    static List<FieldError> validateReplicaSet(ReplicaSet rs) {
        List<FieldError> errs = new ArrayList<>();
        ReplicaSetSpec spec = rs.getSpec() == null ? new ReplicaSetSpec() : rs.getSpec();
        FieldPath path = FieldPath.of("spec");
        int replicas = spec.getReplicas() == null ? 1 : spec.getReplicas();
        nonNegative(errs, replicas, path.child("replicas"));
        nonNegative(errs, spec.getMinReadySeconds() == null ? 0 : spec.getMinReadySeconds(),
                path.child("minReadySeconds"));
        errs.addAll(validateSelectorAndTemplate(spec.getSelector(), spec.getTemplate(), replicas, path));
        return errs;
    }

    /** apps/v1 makes the selector immutable. */
    static List<FieldError> validateSelectorUpdate(LabelSelector n, LabelSelector o) {
        List<FieldError> errs = new ArrayList<>();
        if (!sameSelector(n, o)) {
            errs.add(Errs.invalid(FieldPath.of("spec", "selector"), GoValue.labelSelector(n), "field is immutable"));
        }
        return errs;
    }

    private static boolean sameSelector(LabelSelector a, LabelSelector b) {
        if (a == null || b == null) {
            return a == b;
        }
        return Objects.equals(Errs.map(a.getMatchLabels()), Errs.map(b.getMatchLabels()))
                && Objects.equals(Errs.list(a.getMatchExpressions()), Errs.list(b.getMatchExpressions()));
    }

    private static List<FieldError> validateSelectorAndTemplate(LabelSelector selector, PodTemplateSpec template,
                                                                int replicas, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        FieldPath selectorPath = path.child("selector");
        if (selector == null) {
            errs.add(Errs.required(selectorPath, ""));
        } else {
            errs.addAll(SelectorValidation.validate(selector, selectorPath));
            if (Errs.map(selector.getMatchLabels()).isEmpty() && Errs.list(selector.getMatchExpressions()).isEmpty()) {
                // Kubernetes uses this wording for ReplicaSets too
                errs.add(Errs.invalid(selectorPath, GoValue.labelSelector(selector),
                        "empty selector is invalid for deployment"));
            }
        }
        io.berth.apimachinery.selector.LabelSelector parsed;
        try {
            parsed = io.berth.apimachinery.selector.LabelSelector.from(selector);
        } catch (ApiException e) {
            errs.add(Errs.invalid(selectorPath, GoValue.labelSelector(selector), "invalid label selector"));
            return errs;
        }
        FieldPath templatePath = path.child("template");
        if (template == null) {
            errs.add(Errs.required(templatePath, ""));
            return errs;
        }
        ObjectMeta meta = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        if (!parsed.isEverything() && !parsed.matches(meta.getLabels())) {
            errs.add(Errs.invalid(templatePath.child("metadata", "labels"), GoValue.stringMap(meta.getLabels()),
                    "`selector` does not match template `labels`"));
        }
        errs.addAll(PodValidation.validateTemplate(template, templatePath));
        PodSpec spec = template.getSpec() == null ? new PodSpec() : template.getSpec();
        String restartPolicy = spec.getRestartPolicy();
        if (restartPolicy != null && !restartPolicy.isEmpty() && !restartPolicy.equals("Always")) {
            errs.add(Errs.notSupported(templatePath.child("spec", "restartPolicy"), restartPolicy, List.of("Always")));
        }
        if (spec.getActiveDeadlineSeconds() != null) {
            errs.add(Errs.forbidden(templatePath.child("spec", "activeDeadlineSeconds"),
                    "activeDeadlineSeconds in ReplicaSet is not Supported"));
        }
        return errs;
    }

    private static List<FieldError> validateStrategy(DeploymentStrategy strategy, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (strategy == null || strategy.getType() == null || strategy.getType().isEmpty()) {
            return errs; // defaulted to RollingUpdate 25%/25%
        }
        switch (strategy.getType()) {
            case "Recreate" -> {
                if (strategy.getRollingUpdate() != null) {
                    errs.add(Errs.forbidden(path.child("rollingUpdate"),
                            "may not be specified when strategy `type` is 'Recreate'"));
                }
            }
            case "RollingUpdate" -> {
                if (strategy.getRollingUpdate() != null) {
                    errs.addAll(validateRollingUpdate(strategy.getRollingUpdate(), path.child("rollingUpdate")));
                }
            }
            default -> errs.add(Errs.notSupported(path, new GoValue("apps.DeploymentStrategy{Type:"
                    + GoValue.quote(strategy.getType()) + ", RollingUpdate:"
                    + (strategy.getRollingUpdate() == null ? "(*apps.RollingUpdateDeployment)(nil)" : "&apps.RollingUpdateDeployment{...}")
                    + "}"), List.of("Recreate", "RollingUpdate")));
        }
        return errs;
    }

    private static List<FieldError> validateRollingUpdate(RollingUpdateDeployment ru, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        IntOrString maxUnavailable = ru.getMaxUnavailable() == null ? new IntOrString("25%") : ru.getMaxUnavailable();
        IntOrString maxSurge = ru.getMaxSurge() == null ? new IntOrString("25%") : ru.getMaxSurge();
        errs.addAll(positiveIntOrPercent(maxUnavailable, path.child("maxUnavailable")));
        errs.addAll(positiveIntOrPercent(maxSurge, path.child("maxSurge")));
        if (intOrPercent(maxUnavailable) == 0 && intOrPercent(maxSurge) == 0) {
            errs.add(Errs.invalid(path.child("maxUnavailable"), GoValue.intOrString(maxUnavailable),
                    "may not be 0 when `maxSurge` is 0"));
        }
        if (maxUnavailable.getValue() instanceof String s && s.endsWith("%") && intOrPercent(maxUnavailable) > 100) {
            errs.add(Errs.invalid(path.child("maxUnavailable"), GoValue.intOrString(maxUnavailable),
                    "must not be greater than 100%"));
        }
        return errs;
    }

    private static List<FieldError> positiveIntOrPercent(IntOrString v, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (v.getValue() instanceof String s) {
            for (String msg : NameValidation.isValidPercent(s)) {
                errs.add(Errs.invalid(path, GoValue.intOrString(v), msg));
            }
        } else if (v.getIntVal() != null && v.getIntVal() < 0) {
            errs.add(Errs.invalid(path, v.getIntVal(), NOT_NEGATIVE));
        }
        return errs;
    }

    /** The number in an int or a percentage; -1 when the text is not one. */
    private static int intOrPercent(IntOrString v) {
        if (v.getValue() instanceof String s) {
            try {
                return Integer.parseInt(s.endsWith("%") ? s.substring(0, s.length() - 1) : s);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return v.getIntVal() == null ? 0 : v.getIntVal();
    }

    private static void nonNegative(List<FieldError> errs, long value, FieldPath path) {
        if (value < 0) {
            errs.add(Errs.invalid(path, value, NOT_NEGATIVE));
        }
    }
}
