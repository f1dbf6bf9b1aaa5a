package io.berth.apimachinery.validation;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A value printed the way Go's {@code %#v} prints it in Kubernetes' "Invalid value: ..." messages, for the few
 * non-scalar values those messages carry ({@code map[string]string{"app":"web"}}, {@code []string{"a"}}).
 * {@link io.berth.apimachinery.errors.FieldError} prints any non-string value with {@code toString()}.
 */
record GoValue(String text) {

    static final GoValue NULL = new GoValue("\"null\"");

    @Override
    public String toString() {
        return text;
    }

    static GoValue stringSlice(List<String> values) {
        if (values == null || values.isEmpty()) {
            return new GoValue(values == null ? "[]string(nil)" : "[]string{}");
        }
        return new GoValue("[]string{" + values.stream().map(GoValue::quote).collect(Collectors.joining(", ")) + "}");
    }

    static GoValue stringMap(Map<String, String> map) {
        return new GoValue(goMap(map));
    }

    private static String goMap(Map<String, String> map) {
        if (map == null) {
            return "map[string]string(nil)";
        }
        return "map[string]string{" + new TreeMap<>(map).entrySet().stream()
                .map(e -> quote(e.getKey()) + ":" + quote(e.getValue()))
                .collect(Collectors.joining(", ")) + "}";
    }

    /** {@code v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}}. */
    static GoValue labelSelector(LabelSelector selector) {
        if (selector == null) {
            return NULL;
        }
        List<LabelSelectorRequirement> exprs = selector.getMatchExpressions();
        String expressions;
        if (exprs == null || exprs.isEmpty()) {
            // fabric8 cannot tell an absent list from an empty one; absent is what clients send
            expressions = "[]v1.LabelSelectorRequirement(nil)";
        } else {
            expressions = "[]v1.LabelSelectorRequirement{" + exprs.stream()
                    .map(r -> "v1.LabelSelectorRequirement{Key:" + quote(r.getKey()) + ", Operator:"
                            + quote(r.getOperator()) + ", Values:" + stringSlice(r.getValues()) + "}")
                    .collect(Collectors.joining(", ")) + "}";
        }
        Map<String, String> labels = selector.getMatchLabels();
        return new GoValue("v1.LabelSelector{MatchLabels:" + goMap(labels == null || labels.isEmpty() ? null : labels)
                + ", MatchExpressions:" + expressions + "}");
    }

    /** {@code intstr.IntOrString{Type:0, IntVal:0, StrVal:""}}: Go prints the struct, not its value. */
    static GoValue intOrString(IntOrString value) {
        if (value == null) {
            return new GoValue("intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}");
        }
        if (value.getValue() instanceof String s) {
            return new GoValue("intstr.IntOrString{Type:1, IntVal:0, StrVal:" + quote(s) + "}");
        }
        Integer i = value.getIntVal();
        return new GoValue("intstr.IntOrString{Type:0, IntVal:" + (i == null ? 0 : i) + ", StrVal:\"\"}");
    }

    static String quote(String s) {
        if (s == null) {
            return "\"\"";
        }
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
