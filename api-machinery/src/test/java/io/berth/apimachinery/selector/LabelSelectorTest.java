package io.berth.apimachinery.selector;

import io.berth.apimachinery.errors.ApiException;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelSelectorTest {

    private static final String NAME_PART = "name part must consist of alphanumeric characters, '-', '_' or '.', and"
            + " must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc',"
            + " regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    private static final String LABEL_VALUE = "a valid label must be an empty string or consist of alphanumeric"
            + " characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', "
            + " or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    record Parsed(String description, String selector, String canonical) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Parsed> canonicalForms() {
        return Stream.of(
                new Parsed("an equality requirement keeps its single '='", "x=a", "x=a"),
                new Parsed("a double-equals requirement keeps '=='", "x==a", "x==a"),
                new Parsed("an inequality requirement prints '!='", "x!=a", "x!=a"),
                new Parsed("set values are printed sorted", "x in (b,a,a)", "x in (a,b)"),
                new Parsed("notin keeps its values", "x notin (a)", "x notin (a)"),
                new Parsed("a bare key is an existence requirement", "x", "x"),
                new Parsed("a negated key is a non-existence requirement", "!x", "!x"),
                new Parsed("whitespace around operators and commas is ignored", "  x = a ,  y ", "x=a,y"),
                new Parsed("requirements are sorted by key", "b=1,a=2", "a=2,b=1"),
                new Parsed("'in' is a plain value inside parentheses", "x in (in,notin)", "x in (in,notin)"),
                new Parsed("an equality without value means the empty value", "x=", "x="),
                new Parsed("empty parentheses hold the empty value", "x in ()", "x in ()"),
                new Parsed("a comma-only set holds the empty value", "x in (,a)", "x in (,a)"),
                new Parsed("greater-than keeps its integer", "x>1", "x>1"),
                new Parsed("less-than keeps its integer", "x<10", "x<10"),
                new Parsed("prefixed keys are accepted", "example.com/app=web", "example.com/app=web"),
                new Parsed("an empty selector selects everything", "", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("canonicalForms")
    void parses_to_the_canonical_form(Parsed c) {
        assertThat(LabelSelector.parse(c.selector()).toString()).isEqualTo(c.canonical());
    }

    record Rejected(String description, String selector, String message) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Rejected> rejections() {
        return Stream.of(
                new Rejected("a second operator after a value", "x=a=b",
                        "found '=', expected: ',' or 'end of string'"),
                new Rejected("a set without parentheses", "x in a",
                        "unable to parse requirement: found 'a' expected: '('"),
                new Rejected("a leading comma", ",x", "found ',', expected: !, identifier, or 'end of string'"),
                new Rejected("a trailing comma", "x,", "found '', expected: identifier after ','"),
                new Rejected("two values without a comma", "x=a b", "found 'b', expected: ',' or 'end of string'"),
                new Rejected("an unknown operator", "x ~ a",
                        "unable to parse requirement: found '~', expected: in, notin, =, ==, !=, gt, lt"),
                new Rejected("an unclosed set", "x in (a",
                        "unable to parse requirement: found '', expected: ',' or ')'"),
                new Rejected("a parenthesis as an exact value", "x=(a)",
                        "unable to parse requirement: found '(', expected: identifier"),
                new Rejected("a negated key with a value", "!x=a", "found '=', expected: ',' or 'end of string'"),
                new Rejected("a key with a forbidden character", "x@y=a",
                        "unable to parse requirement: <nil>: Invalid value: \"x@y\": " + NAME_PART),
                new Rejected("a value with a forbidden character", "x=a@b",
                        "unable to parse requirement: values[0][x]: Invalid value: \"a@b\": " + LABEL_VALUE),
                new Rejected("a non-integer bound for greater-than", "x>a",
                        "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators,"
                                + " the value must be an integer"));
    }

    @ParameterizedTest(name = "{0} is a 400 with Kubernetes' message")
    @MethodSource("rejections")
    void rejects_malformed_selectors(Rejected c) {
        assertThatThrownBy(() -> LabelSelector.parse(c.selector()))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.reason()).isEqualTo("BadRequest");
                    assertThat(e.getMessage()).isEqualTo(c.message());
                });
    }

    record Match(String description, String selector, Map<String, String> labels, boolean matches) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Match> matches() {
        return Stream.of(
                new Match("equality matches the same value", "x=a", Map.of("x", "a"), true),
                new Match("equality does not match another value", "x=a", Map.of("x", "b"), false),
                new Match("equality does not match a missing key", "x=a", Map.of(), false),
                new Match("inequality matches a missing key", "x!=a", Map.of(), true),
                new Match("inequality does not match the value", "x!=a", Map.of("x", "a"), false),
                new Match("notin matches a missing key", "x notin (a,b)", Map.of(), true),
                new Match("notin matches another value", "x notin (a,b)", Map.of("x", "c"), true),
                new Match("notin does not match a listed value", "x notin (a,b)", Map.of("x", "a"), false),
                new Match("in matches a listed value", "x in (a,b)", Map.of("x", "b"), true),
                new Match("existence matches an empty value", "x", Map.of("x", ""), true),
                new Match("non-existence matches a missing key", "!x", Map.of("y", "a"), true),
                new Match("non-existence does not match a present key", "!x", Map.of("x", "a"), false),
                new Match("greater-than compares as integers", "x>5", Map.of("x", "10"), true),
                new Match("greater-than never matches a non-integer", "x>5", Map.of("x", "abc"), false),
                new Match("every requirement must hold", "x in (a,b),y", Map.of("x", "a"), false),
                new Match("all requirements holding match", "x in (a,b),y", Map.of("x", "a", "y", "z"), true),
                new Match("the empty selector matches anything", "", Map.of("any", "thing"), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matches")
    void matches_labels_as_kubernetes_does(Match c) {
        assertThat(LabelSelector.parse(c.selector()).matches(c.labels())).isEqualTo(c.matches());
    }

    @Test
    void a_null_object_selector_matches_nothing_and_an_empty_one_everything() {
        assertThat(LabelSelector.from(null).isNothing()).isTrue();
        assertThat(LabelSelector.from(null).matches(Map.of())).isFalse();
        assertThat(LabelSelector.from(new io.fabric8.kubernetes.api.model.LabelSelector()).isEverything()).isTrue();
        assertThat(LabelSelector.from(new io.fabric8.kubernetes.api.model.LabelSelector()).matches(Map.of())).isTrue();
    }

    @Test
    void an_object_selector_combines_match_labels_and_expressions() {
        LabelSelector s = LabelSelector.from(new LabelSelectorBuilder()
                .withMatchLabels(Map.of("app", "web"))
                .withMatchExpressions(
                        new LabelSelectorRequirementBuilder().withKey("tier").withOperator("In")
                                .withValues("front", "back").build(),
                        new LabelSelectorRequirementBuilder().withKey("canary").withOperator("DoesNotExist").build(),
                        new LabelSelectorRequirementBuilder().withKey("env").withOperator("NotIn")
                                .withValues("prod").build(),
                        new LabelSelectorRequirementBuilder().withKey("team").withOperator("Exists").build())
                .build());
        assertThat(s.toString()).isEqualTo("app=web,!canary,env notin (prod),team,tier in (back,front)");
        assertThat(s.matches(Map.of("app", "web", "tier", "front", "team", "a"))).isTrue();
        assertThat(s.matches(Map.of("app", "web", "tier", "front", "team", "a", "canary", "y"))).isFalse();
    }

    @Test
    void an_unknown_operator_in_an_object_selector_is_a_bad_request() {
        assertThatThrownBy(() -> LabelSelector.from(new LabelSelectorBuilder().withMatchExpressions(
                new LabelSelectorRequirementBuilder().withKey("a").withOperator("Foo").build()).build()))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("\"Foo\" is not a valid label selector operator");
                });
    }

    @Test
    void an_in_expression_without_values_is_refused_with_kubernetes_wording() {
        assertThatThrownBy(() -> LabelSelector.from(new LabelSelectorBuilder().withMatchExpressions(
                new LabelSelectorRequirementBuilder().withKey("a").withOperator("In").build()).build()))
                .hasMessage("values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be"
                        + " empty");
    }

    @Test
    void an_exact_match_is_reported_for_equality_and_single_value_sets_only() {
        LabelSelector s = LabelSelector.parse("x=a,y in (b),z!=c,w in (d,e)");
        assertThat(s.requiresExactMatch("x")).contains("a");
        assertThat(s.requiresExactMatch("y")).contains("b");
        assertThat(s.requiresExactMatch("z")).isEmpty();
        assertThat(s.requiresExactMatch("w")).isEmpty();
        assertThat(s.requiresExactMatch("absent")).isEmpty();
    }

    @Test
    void a_set_selector_matches_exactly_its_labels() {
        LabelSelector s = LabelSelector.fromSet(Map.of("b", "2", "a", "1"));
        assertThat(s.toString()).isEqualTo("a=1,b=2");
        assertThat(s.requirements()).extracting(Requirement::key).isEqualTo(List.of("a", "b"));
        assertThat(s.matches(Map.of("a", "1", "b", "2", "c", "3"))).isTrue();
    }
}
