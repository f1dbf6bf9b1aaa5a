package io.berth.apimachinery.validation;

import io.berth.apimachinery.errors.FieldError;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;

import java.util.ArrayList;
import java.util.List;

/** {@code metav1.LabelSelector} rules (Kubernetes' {@code ValidateLabelSelector}). */
final class SelectorValidation {

    private SelectorValidation() {
    }

    static List<FieldError> validate(LabelSelector selector, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (selector == null) {
            return errs;
        }
        errs.addAll(MetaValidation.validateLabels(selector.getMatchLabels(), path.child("matchLabels")));
        List<LabelSelectorRequirement> exprs = Errs.list(selector.getMatchExpressions());
        for (int i = 0; i < exprs.size(); i++) {
            errs.addAll(validateRequirement(exprs.get(i), path.child("matchExpressions").index(i)));
        }
        return errs;
    }

    private static List<FieldError> validateRequirement(LabelSelectorRequirement r, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        List<String> values = Errs.list(r.getValues());
        String operator = r.getOperator() == null ? "" : r.getOperator();
        switch (operator) {
            case "In", "NotIn" -> {
                if (values.isEmpty()) {
                    errs.add(Errs.required(path.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
                }
            }
            case "Exists", "DoesNotExist" -> {
                if (!values.isEmpty()) {
                    errs.add(Errs.forbidden(path.child("values"),
                            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                }
            }
            default -> errs.add(Errs.invalid(path.child("operator"), operator, "not a valid selector operator"));
        }
        String key = r.getKey() == null ? "" : r.getKey();
        Errs.invalidEach(errs, path.child("key"), key, NameValidation.isQualifiedName(key));
        for (int i = 0; i < values.size(); i++) {
            Errs.invalidEach(errs, path.child("values").index(i), values.get(i),
                    NameValidation.isValidLabelValue(values.get(i)));
        }
        return errs;
    }
}
