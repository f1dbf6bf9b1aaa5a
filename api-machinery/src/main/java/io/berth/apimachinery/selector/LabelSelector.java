package io.berth.apimachinery.selector;

import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.selector.Requirement.Operator;
import io.berth.apimachinery.validation.NameValidation;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A label selector with Kubernetes' semantics: requirements ANDed, sorted by key. Parse the query-string form with
 * {@link #parse}, or convert an object's {@code LabelSelector} with {@link #from}.
 *
 * <p>Two special selectors exist, as in Kubernetes: {@link #everything()} (no requirement; matches all) and
 * {@link #nothing()} (what a {@code null} LabelSelector means; matches none).
 *
 * <p>Immutable and thread safe.
 */
public final class LabelSelector {

    private static final LabelSelector EVERYTHING = new LabelSelector(List.of(), false);
    private static final LabelSelector NOTHING = new LabelSelector(List.of(), true);

    private final List<Requirement> requirements;
    private final boolean nothing;

    private LabelSelector(List<Requirement> requirements, boolean nothing) {
        List<Requirement> sorted = new ArrayList<>(requirements);
        sorted.sort(Comparator.comparing(Requirement::key));
        this.requirements = List.copyOf(sorted);
        this.nothing = nothing;
    }

    public static LabelSelector everything() {
        return EVERYTHING;
    }

    public static LabelSelector nothing() {
        return NOTHING;
    }

    /**
     * Parses a {@code labelSelector} query parameter: {@code app=web,tier!=db}, {@code env in (a,b)}, {@code !canary}.
     * A null or blank string selects everything.
     *
     * @throws io.berth.apimachinery.errors.ApiException 400 BadRequest with Kubernetes' message, e.g.
     *                                                   {@code unable to parse requirement: ...}
     */
    public static LabelSelector parse(String selector) {
        if (selector == null) {
            return EVERYTHING;
        }
        try {
            List<Requirement> parsed = new LabelSelectorParser(selector).parse();
            return parsed.isEmpty() ? EVERYTHING : new LabelSelector(parsed, false);
        } catch (LabelSelectorParser.ParseException e) {
            throw StatusErrors.badRequest(e.getMessage());
        }
    }

    /**
     * Converts an API object's selector as Kubernetes' {@code LabelSelectorAsSelector}: {@code null} selects nothing,
     * an empty selector selects everything.
     *
     * @throws io.berth.apimachinery.errors.ApiException 400 when a key, value or operator is invalid
     */
    public static LabelSelector from(io.fabric8.kubernetes.api.model.LabelSelector selector) {
        if (selector == null) {
            return NOTHING;
        }
        Map<String, String> labels = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
        List<LabelSelectorRequirement> exprs = selector.getMatchExpressions() == null
                ? List.of() : selector.getMatchExpressions();
        if (labels.isEmpty() && exprs.isEmpty()) {
            return EVERYTHING;
        }
        List<Requirement> requirements = new ArrayList<>();
        labels.forEach((k, v) -> requirements.add(checked(k, Operator.EQUALS, List.of(v == null ? "" : v))));
        for (LabelSelectorRequirement expr : exprs) {
            Operator op = switch (Objects.toString(expr.getOperator(), "")) {
                case "In" -> Operator.IN;
                case "NotIn" -> Operator.NOT_IN;
                case "Exists" -> Operator.EXISTS;
                case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
                default -> throw StatusErrors.badRequest("\"" + Objects.toString(expr.getOperator(), "")
                        + "\" is not a valid label selector operator");
            };
            requirements.add(checked(expr.getKey() == null ? "" : expr.getKey(), op,
                    expr.getValues() == null ? List.of() : expr.getValues()));
        }
        return new LabelSelector(requirements, false);
    }

    /** A selector matching exactly the given labels ({@code SelectorFromSet}); empty selects everything. */
    public static LabelSelector fromSet(Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) {
            return EVERYTHING;
        }
        return new LabelSelector(labels.entrySet().stream()
                .map(e -> new Requirement(e.getKey(), Operator.EQUALS, List.of(e.getValue())))
                .toList(), false);
    }

    private static Requirement checked(String key, Operator op, List<String> values) {
        try {
            return newRequirement(key, op, values);
        } catch (LabelSelectorParser.ParseException e) {
            throw StatusErrors.badRequest(e.getMessage());
        }
    }

    /** Kubernetes' {@code NewRequirement}: validates and reports every problem, aggregated as Kubernetes does. */
    static Requirement newRequirement(String key, Operator op, List<String> values) {
        List<String> errors = new ArrayList<>();
        String keyError = keyError(key, "key");
        if (keyError != null) {
            errors.add(keyError);
        }
        switch (op) {
            case IN, NOT_IN -> {
                if (values.isEmpty()) {
                    errors.add("values: Invalid value: " + goSlice(values)
                            + ": for 'in', 'notin' operators, values set can't be empty");
                }
            }
            case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> {
                if (values.size() != 1) {
                    errors.add("values: Invalid value: " + goSlice(values)
                            + ": exact-match compatibility requires one single value");
                }
            }
            case EXISTS, DOES_NOT_EXIST -> {
                if (!values.isEmpty()) {
                    errors.add("values: Invalid value: " + goSlice(values)
                            + ": values set must be empty for exists and does not exist");
                }
            }
            case GREATER_THAN, LESS_THAN -> {
                if (values.size() != 1) {
                    errors.add("values: Invalid value: " + goSlice(values)
                            + ": for 'Gt', 'Lt' operators, exactly one value is required");
                }
                for (int i = 0; i < values.size(); i++) {
                    try {
                        Long.parseLong(values.get(i));
                    } catch (NumberFormatException e) {
                        errors.add("values[" + i + "]: Invalid value: " + quote(values.get(i))
                                + ": for 'Gt', 'Lt' operators, the value must be an integer");
                    }
                }
            }
        }
        for (int i = 0; i < values.size(); i++) {
            List<String> msgs = NameValidation.isValidLabelValue(values.get(i));
            if (!msgs.isEmpty()) {
                errors.add("values[" + i + "][" + key + "]: Invalid value: " + quote(values.get(i)) + ": "
                        + String.join("; ", msgs));
            }
        }
        List<String> distinct = errors.stream().distinct().toList();
        if (distinct.size() == 1) {
            throw new LabelSelectorParser.ParseException(distinct.get(0));
        }
        if (distinct.size() > 1) {
            throw new LabelSelectorParser.ParseException("[" + String.join(", ", distinct) + "]");
        }
        return new Requirement(key, op, values);
    }

    /** The Invalid error for a bad key, or null; {@code path} null prints as Go prints a nil path. */
    static String keyError(String key, String path) {
        List<String> msgs = NameValidation.isQualifiedName(key);
        if (msgs.isEmpty()) {
            return null;
        }
        return (path == null ? "<nil>" : path) + ": Invalid value: " + quote(key) + ": " + String.join("; ", msgs);
    }

    private static String goSlice(List<String> values) {
        return values.isEmpty() ? "[]string(nil)"
                : "[]string{" + values.stream().map(LabelSelector::quote).collect(Collectors.joining(", ")) + "}";
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Whether the labels (null means none) satisfy every requirement. */
    public boolean matches(Map<String, String> labels) {
        if (nothing) {
            return false;
        }
        Map<String, String> l = labels == null ? Map.of() : labels;
        for (Requirement r : requirements) {
            if (!r.matches(l)) {
                return false;
            }
        }
        return true;
    }

    /** True when the selector does not restrict anything (Kubernetes' {@code Empty()}). */
    public boolean isEverything() {
        return !nothing && requirements.isEmpty();
    }

    /** True for the selector of a {@code null} LabelSelector, which matches no object. */
    public boolean isNothing() {
        return nothing;
    }

    /** The requirements, sorted by key. */
    public List<Requirement> requirements() {
        return requirements;
    }

    /** The value {@code label} must have for an object to match ({@code =}, {@code ==} or a one-value {@code in}). */
    public Optional<String> requiresExactMatch(String label) {
        for (Requirement r : requirements) {
            if (r.key().equals(label)) {
                boolean exact = r.operator() == Operator.EQUALS || r.operator() == Operator.DOUBLE_EQUALS
                        || r.operator() == Operator.IN;
                return exact && r.values().size() == 1 ? Optional.of(r.values().get(0)) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Canonical form, requirements sorted by key and joined by ','; both special selectors print as "". */
    @Override
    public String toString() {
        return requirements.stream().map(Requirement::toString).collect(Collectors.joining(","));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSelector other && other.nothing == nothing && other.requirements.equals(requirements);
    }

    @Override
    public int hashCode() {
        return Objects.hash(requirements, nothing);
    }
}
