package io.berth.scheduler.plugins.nodeaffinity;

import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;

import java.util.List;
import java.util.Map;

/**
 * One node selector term parsed once per pod, as Kubernetes' {@code nodeaffinity.nodeSelectorTerm}: its label
 * expressions and its field expressions, all ANDed. A term that does not parse (an unknown operator, {@code In}
 * without values, {@code Gt} with a value that is not an integer...) matches no node, and says why in
 * {@link #parseError()}. Immutable.
 */
final class SelectorTerm {

    /** The only node field a term may select on. */
    static final String NODE_NAME_FIELD = "metadata.name";

    private enum Operator { IN, NOT_IN, EXISTS, DOES_NOT_EXIST, GT, LT }

    /** A label requirement, as Kubernetes' {@code labels.Requirement}; {@code number} is the Gt/Lt operand. */
    private record Requirement(String key, Operator operator, String[] values, long number) {

        boolean matches(Map<String, String> labels) {
            String value = labels == null ? null : labels.get(key);
            return switch (operator) {
                case IN -> value != null && contains(values, value);
                case NOT_IN -> value == null || !contains(values, value);
                case EXISTS -> value != null;
                case DOES_NOT_EXIST -> value == null;
                // A label that is not an integer satisfies neither Gt nor Lt.
                case GT -> value != null && isInteger(value) && Long.parseLong(value) > number;
                case LT -> value != null && isInteger(value) && Long.parseLong(value) < number;
            };
        }
    }

    /** A field requirement: {@code In} or {@code NotIn} with exactly one value, as Kubernetes' field selectors. */
    private record FieldRequirement(String key, boolean equal, String value) {

        boolean matches(String nodeName) {
            // Kubernetes' node fields hold metadata.name only; any other field reads as empty.
            String actual = NODE_NAME_FIELD.equals(key) ? nodeName : "";
            return actual.equals(value) == equal;
        }
    }

    private static final Requirement[] NO_REQUIREMENTS = {};
    private static final FieldRequirement[] NO_FIELDS = {};

    private final Requirement[] labels;
    private final FieldRequirement[] fields;
    private final String parseError;

    private SelectorTerm(Requirement[] labels, FieldRequirement[] fields, String parseError) {
        this.labels = labels;
        this.fields = fields;
        this.parseError = parseError;
    }

    /** Kubernetes: a term with neither expressions nor fields selects nothing, and is left out before parsing. */
    static boolean isEmpty(NodeSelectorTerm term) {
        return term == null || (isEmpty(term.getMatchExpressions()) && isEmpty(term.getMatchFields()));
    }

    static SelectorTerm parse(NodeSelectorTerm term) {
        List<NodeSelectorRequirement> expressions = orEmpty(term.getMatchExpressions());
        Requirement[] labels = expressions.isEmpty() ? NO_REQUIREMENTS : new Requirement[expressions.size()];
        for (int i = 0; i < labels.length; i++) {
            NodeSelectorRequirement e = expressions.get(i);
            String error = labelError(e);
            if (error != null) {
                return invalid(error);
            }
            labels[i] = requirement(e);
        }
        List<NodeSelectorRequirement> fieldExpressions = orEmpty(term.getMatchFields());
        FieldRequirement[] fields = fieldExpressions.isEmpty() ? NO_FIELDS
                : new FieldRequirement[fieldExpressions.size()];
        for (int i = 0; i < fields.length; i++) {
            NodeSelectorRequirement e = fieldExpressions.get(i);
            String operator = e.getOperator();
            if (!"In".equals(operator) && !"NotIn".equals(operator)) {
                return invalid("\"" + operator + "\" is not a valid node field selector operator");
            }
            List<String> values = orEmpty(e.getValues());
            if (values.size() != 1) {
                return invalid("unexpected number of value (" + values.size()
                        + ") for node field selector operator \"" + operator + "\"");
            }
            fields[i] = new FieldRequirement(e.getKey(), "In".equals(operator), values.get(0));
        }
        return new SelectorTerm(labels, fields, null);
    }

    /** Why the term never matches, or null when it parsed. */
    String parseError() {
        return parseError;
    }

    /** Whether a node with these labels and this name satisfies every requirement of the term. */
    boolean matches(Map<String, String> nodeLabels, String nodeName) {
        if (parseError != null) {
            return false;
        }
        for (Requirement r : labels) {
            if (!r.matches(nodeLabels)) {
                return false;
            }
        }
        // Kubernetes skips the fields of a node without a name, which only happens in tests.
        if (nodeName != null && !nodeName.isEmpty()) {
            for (FieldRequirement f : fields) {
                if (!f.matches(nodeName)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static SelectorTerm invalid(String error) {
        return new SelectorTerm(NO_REQUIREMENTS, NO_FIELDS, error);
    }

    /** Kubernetes' {@code labels.NewRequirement} checks on operators and values; null when the expression is valid. */
    private static String labelError(NodeSelectorRequirement e) {
        List<String> values = orEmpty(e.getValues());
        String operator = e.getOperator();
        if (operator == null) {
            return "\"\" is not a valid node selector operator";
        }
        return switch (operator) {
            case "In", "NotIn" -> values.isEmpty() ? "for 'in', 'notin' operators, values set can't be empty" : null;
            case "Exists", "DoesNotExist" ->
                    values.isEmpty() ? null : "values set must be empty for exists and does not exist";
            case "Gt", "Lt" -> values.size() != 1 ? "for 'Gt', 'Lt' operators, exactly one value is required"
                    : isInteger(values.get(0)) ? null : "for 'Gt', 'Lt' operators, the value must be an integer";
            default -> "\"" + operator + "\" is not a valid node selector operator";
        };
    }

    private static Requirement requirement(NodeSelectorRequirement e) {
        String[] values = orEmpty(e.getValues()).toArray(new String[0]);
        return switch (e.getOperator()) {
            case "In" -> new Requirement(e.getKey(), Operator.IN, values, 0);
            case "NotIn" -> new Requirement(e.getKey(), Operator.NOT_IN, values, 0);
            case "Exists" -> new Requirement(e.getKey(), Operator.EXISTS, values, 0);
            case "DoesNotExist" -> new Requirement(e.getKey(), Operator.DOES_NOT_EXIST, values, 0);
            case "Gt" -> new Requirement(e.getKey(), Operator.GT, values, Long.parseLong(values[0]));
            default -> new Requirement(e.getKey(), Operator.LT, values, Long.parseLong(values[0]));
        };
    }

    private static boolean contains(String[] values, String value) {
        for (String v : values) {
            if (v.equals(value)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@link Long#parseLong} would accept {@code s} (Go's {@code strconv.ParseInt(s, 10, 64)}: an optional
     * sign, decimal digits, in range), checked without throwing: node labels that are not numbers are common and
     * Filter runs for every node.
     */
    static boolean isInteger(String s) {
        int start = !s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+') ? 1 : 0;
        if (s.length() == start) {
            return false;
        }
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        if (s.length() - start < 19) {
            return true;
        }
        try {
            // Nineteen digits and more may overflow: rare enough to let the JDK decide.
            Long.parseLong(s);
            return true;
        } catch (NumberFormatException overflow) {
            return false;
        }
    }

    private static boolean isEmpty(List<?> list) {
        return list == null || list.isEmpty();
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
