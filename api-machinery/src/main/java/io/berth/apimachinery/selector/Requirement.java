package io.berth.apimachinery.selector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One term of a label selector: a key, an operator and its values, as Kubernetes' {@code labels.Requirement}.
 * Build them through {@link LabelSelector#parse} or {@link LabelSelector#from}, which validate them.
 *
 * <p>Immutable and thread safe.
 *
 * @param values the values in the order given; {@link #toString()} prints them sorted
 */
public record Requirement(String key, Operator operator, List<String> values) {

    /** Kubernetes' {@code selection.Operator}s that label selectors accept. */
    public enum Operator {
        IN("in"), NOT_IN("notin"), EQUALS("="), DOUBLE_EQUALS("=="), NOT_EQUALS("!="),
        EXISTS("exists"), DOES_NOT_EXIST("!"), GREATER_THAN("gt"), LESS_THAN("lt");

        private final String token;

        Operator(String token) {
            this.token = token;
        }

        /** The operator's name in Kubernetes' messages. */
        public String token() {
            return token;
        }
    }

    public Requirement {
        values = List.copyOf(values);
    }

    /** Whether the labels satisfy this requirement; a missing key satisfies only {@code !=}, notin and {@code !key}. */
    public boolean matches(Map<String, String> labels) {
        String value = labels.get(key);
        boolean present = value != null || labels.containsKey(key);
        return switch (operator) {
            case IN, EQUALS, DOUBLE_EQUALS -> present && values.contains(value);
            case NOT_IN, NOT_EQUALS -> !present || !values.contains(value);
            case EXISTS -> present;
            case DOES_NOT_EXIST -> !present;
            case GREATER_THAN, LESS_THAN -> present && compares(value);
        };
    }

    private boolean compares(String value) {
        if (values.size() != 1) {
            return false;
        }
        try {
            long actual = Long.parseLong(value);
            long bound = Long.parseLong(values.get(0));
            return operator == Operator.GREATER_THAN ? actual > bound : actual < bound;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Canonical form: {@code key=value}, {@code key in (a,b)}, {@code !key}, values sorted. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (operator == Operator.DOES_NOT_EXIST) {
            sb.append('!');
        }
        sb.append(key);
        switch (operator) {
            case EQUALS -> sb.append('=');
            case DOUBLE_EQUALS -> sb.append("==");
            case NOT_EQUALS -> sb.append("!=");
            case IN -> sb.append(" in ");
            case NOT_IN -> sb.append(" notin ");
            case GREATER_THAN -> sb.append('>');
            case LESS_THAN -> sb.append('<');
            case EXISTS, DOES_NOT_EXIST -> {
                return sb.toString();
            }
        }
        boolean set = operator == Operator.IN || operator == Operator.NOT_IN;
        if (set) {
            sb.append('(');
        }
        List<String> sorted = new ArrayList<>(values);
        sorted.sort(null);
        sb.append(String.join(",", sorted));
        if (set) {
            sb.append(')');
        }
        return sb.toString();
    }
}
