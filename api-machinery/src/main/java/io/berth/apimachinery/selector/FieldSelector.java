package io.berth.apimachinery.selector;

import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.registry.ResourceType;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A field selector for one resource, with Kubernetes' syntax and semantics ({@code k8s.io/apimachinery/pkg/fields}):
 * terms {@code field=value}, {@code field==value} or {@code field!=value}, joined by ',' (AND); in values, ',', '='
 * and '\' are escaped with a backslash. Only the fields the resource supports may be named
 * (see {@link FieldLabels}).
 *
 * <p>Immutable and thread safe.
 */
public final class FieldSelector {

    /** One term; {@code equal} false means {@code !=}. */
    public record Term(String field, boolean equal, String value) {
        @Override
        public String toString() {
            return field + (equal ? "=" : "!=") + escape(value);
        }
    }

    private static final FieldSelector EVERYTHING = new FieldSelector(null, List.of());

    private final ResourceType type;
    private final List<Term> terms;

    private FieldSelector(ResourceType type, List<Term> terms) {
        this.type = type;
        this.terms = List.copyOf(terms);
    }

    /** The selector that matches every object. */
    public static FieldSelector everything() {
        return EVERYTHING;
    }

    /**
     * Parses a {@code fieldSelector} query parameter for {@code type}; null or empty selects everything.
     *
     * @throws io.berth.apimachinery.errors.ApiException 400 BadRequest with Kubernetes' message: a syntax error, a bad
     *                                                   escape, or {@code field label not supported: <field>}
     */
    public static FieldSelector parse(String selector, ResourceType type) {
        if (selector == null || selector.isEmpty()) {
            return EVERYTHING;
        }
        List<String> parts = splitTerms(selector);
        parts.sort(null);
        List<Term> parsed = new ArrayList<>();
        for (String part : parts) {
            if (part.isEmpty()) {
                continue;
            }
            Term term = splitTerm(part);
            if (term == null) {
                throw StatusErrors.badRequest("invalid selector: '" + selector + "'; can't understand '" + part + "'");
            }
            parsed.add(new Term(term.field(), term.equal(), unescape(term.value())));
        }
        List<Term> converted = new ArrayList<>();
        for (Term t : parsed) {
            try {
                converted.add(new Term(FieldLabels.convert(type, t.field()), t.equal(), t.value()));
            } catch (IllegalArgumentException e) {
                throw StatusErrors.badRequest(e.getMessage());
            }
        }
        return converted.isEmpty() ? EVERYTHING : new FieldSelector(type, converted);
    }

    /** Whether the object's selectable fields satisfy every term (a field the object lacks compares as ""). */
    public boolean matches(HasMetadata obj) {
        if (terms.isEmpty()) {
            return true;
        }
        Map<String, String> fields = FieldLabels.of(type, obj);
        for (Term t : terms) {
            boolean equal = fields.getOrDefault(t.field(), "").equals(t.value());
            if (equal != t.equal()) {
                return false;
            }
        }
        return true;
    }

    /** The value {@code field} must equal for an object to match (an {@code =} term), for exact-match indexes. */
    public Optional<String> requiredValue(String field) {
        return terms.stream().filter(t -> t.equal() && t.field().equals(field)).map(Term::value).findFirst();
    }

    public boolean isEverything() {
        return terms.isEmpty();
    }

    public List<Term> terms() {
        return terms;
    }

    /** Canonical form: terms sorted as parsed, values escaped. */
    @Override
    public String toString() {
        return terms.stream().map(Term::toString).collect(Collectors.joining(","));
    }

    /** Splits on commas that are not escaped; escapes stay in the terms. */
    private static List<String> splitTerms(String selector) {
        List<String> terms = new ArrayList<>();
        int start = 0;
        boolean inSlash = false;
        for (int i = 0; i < selector.length(); i++) {
            char c = selector.charAt(i);
            if (inSlash) {
                inSlash = false;
            } else if (c == '\\') {
                inSlash = true;
            } else if (c == ',') {
                terms.add(selector.substring(start, i));
                start = i + 1;
            }
        }
        terms.add(selector.substring(start));
        return terms;
    }

    /** The first operator in the term splits it; '==' is tried before '=' so no '=' is left in the value. */
    private static Term splitTerm(String term) {
        for (int i = 0; i < term.length(); i++) {
            if (term.startsWith("!=", i)) {
                return new Term(term.substring(0, i), false, term.substring(i + 2));
            }
            if (term.startsWith("==", i)) {
                return new Term(term.substring(0, i), true, term.substring(i + 2));
            }
            if (term.charAt(i) == '=') {
                return new Term(term.substring(0, i), true, term.substring(i + 1));
            }
        }
        return null;
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0 && s.indexOf(',') < 0 && s.indexOf('=') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        boolean inSlash = false;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (inSlash) {
                if (c == '\\' || c == ',' || c == '=') {
                    sb.appendCodePoint(c);
                } else {
                    throw StatusErrors.badRequest("invalid field selector: invalid escape sequence: \\"
                            + new String(Character.toChars(c)));
                }
                inSlash = false;
            } else if (c == '\\') {
                inSlash = true;
            } else if (c == ',' || c == '=') {
                // Go prints the rune with %v: its code point number
                throw StatusErrors.badRequest("invalid field selector: unescaped character in value: " + c);
            } else {
                sb.appendCodePoint(c);
            }
        }
        if (inSlash) {
            throw StatusErrors.badRequest("invalid field selector: invalid escape sequence: \\");
        }
        return sb.toString();
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=");
    }
}
