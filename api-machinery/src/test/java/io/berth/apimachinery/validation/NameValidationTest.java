package io.berth.apimachinery.validation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Kubernetes' own examples from k8s.io/apimachinery/pkg/util/validation/validation_test.go. */
class NameValidationTest {

    record Rule(String name, Function<String, List<String>> check, List<String> good, List<String> bad) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Rule> rules() {
        return Stream.of(
                new Rule("an RFC 1123 label", NameValidation::isDns1123Label,
                        List.of("a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "012", "1a", "1-a",
                                "1--a--b--2", "a".repeat(63)),
                        List.of("", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1", "_", "a_",
                                "_a", "a_b", "1_", "_1", "1_2", ".", "a.", ".a", "a.b", "1.", ".1", "1.2", " ", "a ",
                                " a", "a b", "1 ", " 1", "1 2", "a".repeat(64))),
                new Rule("an RFC 1123 subdomain", NameValidation::isDns1123Subdomain,
                        List.of("a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "012", "1a", "1-a",
                                "1--a--b--2", "a.a", "ab.a", "abc.a", "a1.a", "a-1.a", "a--1--2--b.a", "a.1", "ab.1",
                                "0.a", "01.a", "a.b.c.d.e", "aa.bb.cc.dd.ee", "1.2.3.4.5", "11.22.33.44.55",
                                "a".repeat(253)),
                        List.of("", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1", "_", "a_",
                                "_a", "a_b", "1_", "_1", "1_2", ".", "a.", ".a", "a..b", "1.", ".1", "1..2", " ", "a ",
                                " a", "a b", "1 ", " 1", "1 2", "A.a", "aB.a", "ab.A", "A1.a", "a1.A", "A.1", "aB.1",
                                "A.B.C.D.E", "a.B.c.d.e", "a@b", "a,b", "a;b", "a:b", "a%b", "a?b", "a$b",
                                "a".repeat(254))),
                new Rule("an RFC 1035 label", NameValidation::isDns1035Label,
                        List.of("a", "ab", "abc", "a1", "a-1", "a--1--2--b", "a".repeat(63)),
                        List.of("0", "01", "123", "1a", "1-a", "1--a--b--2", "", "A", "ABC", "aBc", "A1", "A-1",
                                "1-A", "-", "a-", "-a", "1-", "-1", "_", "a_", "_a", "a_b", "1_", "_1", "1_2", ".",
                                "a.", ".a", "a.b", "1.", ".1", "1.2", " ", "a ", " a", "a b", "1 ", " 1", "1 2",
                                "a".repeat(64))),
                new Rule("a qualified name", NameValidation::isQualifiedName,
                        List.of("simple", "now-with-dashes", "1-starts-with-num", "1234", "simple/simple",
                                "now-with-dashes/simple", "now-with-dashes/now-with-dashes", "now.with.dots/simple",
                                "now-with.dashes-and.dots/simple", "1-num.2-num/3-num", "1234/5678", "1.2.3.4/5678",
                                "Uppercase_Is_OK_123", "example.com/Uppercase_Is_OK_123", "requests.storage-foo",
                                "a".repeat(63), "a".repeat(253) + "/" + "b".repeat(63)),
                        List.of("nospecialchars%^=@", "cantendwithadash-", "-cantstartwithadash-", "only/one/slash",
                                "Example.com/abc", "example_com/abc", "example.com/", "/simple", "a".repeat(64),
                                "a".repeat(254) + "/abc")),
                new Rule("a label value", NameValidation::isValidLabelValue,
                        List.of("simple", "now-with-dashes", "1-starts-with-num", "end-with-num-1", "1234",
                                "a".repeat(63), ""),
                        List.of("nospecialchars%^=@", "Tama-nui-te-rā.is.Māori.sun", "\\backslashes\\are\\bad",
                                "-starts-with-dash", "ends-with-dash-", ".starts.with.dot", "ends.with.dot.",
                                "a".repeat(64))),
                new Rule("a path segment name", NameValidation::isValidPathSegmentName,
                        List.of("a", "a.b", "system:node:n1", "..a", "A_B"),
                        List.of(".", "..", "a/b", "a%b")),
                new Rule("a config key", NameValidation::isConfigMapKey,
                        List.of("a", "ab", "abc", "a1", "_a", "a_", "a_b", "a.b", ".a", "a..b", "a-b", "A", "KEY_NAME"),
                        List.of("", ".", "..", "..a", "a/b", "a b", "a".repeat(254))),
                new Rule("a port name", NameValidation::isValidPortName,
                        List.of("telnet", "re-mail-ck", "pop3", "a", "a-1", "1-a", "a-1-b-2-c", "1-a-2-b-3"),
                        List.of("longerthan15characters", "", "12345", "1-2-3-4", "-begin", "end-", "two--hyphens",
                                "whois++")));
    }

    @ParameterizedTest(name = "{0} accepts Kubernetes' good examples")
    @MethodSource("rules")
    void accepts_kubernetes_good_examples(Rule rule) {
        for (String value : rule.good()) {
            assertThat(rule.check().apply(value)).as(value).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0} refuses Kubernetes' bad examples")
    @MethodSource("rules")
    void refuses_kubernetes_bad_examples(Rule rule) {
        for (String value : rule.bad()) {
            assertThat(rule.check().apply(value)).as(value).isNotEmpty();
        }
    }

    @Test
    void a_bad_subdomain_gets_kubernetes_regex_message() {
        assertThat(NameValidation.isDns1123Subdomain("My_Name")).containsExactly(
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and"
                        + " must start and end with an alphanumeric character (e.g. 'example.com', regex used for"
                        + " validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
    }

    @Test
    void a_label_with_dots_is_told_only_about_the_dots() {
        assertThat(NameValidation.isDns1123Label("a.b")).containsExactly("must not contain dots");
    }

    @Test
    void a_too_long_label_gets_both_the_length_and_the_pattern_messages() {
        assertThat(NameValidation.isDns1123Label("A".repeat(64))).containsExactly(
                "must be no more than 63 characters",
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start"
                        + " and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for"
                        + " validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
    }

    @Test
    void a_service_name_must_start_with_a_letter() {
        assertThat(NameValidation.isDns1035Label("1db")).containsExactly(
                "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic"
                        + " character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex"
                        + " used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
    }

    @Test
    void a_qualified_name_reports_its_prefix_and_name_parts() {
        assertThat(NameValidation.isQualifiedName("Example.com/")).containsExactly(
                "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or"
                        + " '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex"
                        + " used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
                "name part must be non-empty",
                "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an"
                        + " alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for"
                        + " validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
        assertThat(NameValidation.isQualifiedName("a/b/c")).singleElement().asString()
                .startsWith("a qualified name must consist of").endsWith("(e.g. 'example.com/MyName')");
    }

    @Test
    void path_segment_names_name_the_forbidden_part() {
        assertThat(NameValidation.isValidPathSegmentName("..")).containsExactly("may not be '..'");
        assertThat(NameValidation.isValidPathSegmentName("a/b%c")).containsExactly("may not contain '/'",
                "may not contain '%'");
    }

    record Prefix(String description, NameRule rule, String generateName, boolean valid) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Prefix> prefixes() {
        return Stream.of(
                new Prefix("a subdomain prefix may end with a dash", NameRule.DNS1123_SUBDOMAIN, "web-", true),
                new Prefix("a label prefix may end with a dash", NameRule.DNS1123_LABEL, "team-", true),
                new Prefix("a service prefix may end with a dash", NameRule.DNS1035_LABEL, "svc-", true),
                new Prefix("a lone dash is still not a prefix", NameRule.DNS1123_SUBDOMAIN, "-", false),
                new Prefix("a service prefix must start with a letter", NameRule.DNS1035_LABEL, "1svc-", false),
                new Prefix("a path segment prefix may not contain a slash", NameRule.PATH_SEGMENT, "a/", false),
                new Prefix("a path segment prefix may be '..'", NameRule.PATH_SEGMENT, "..", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("prefixes")
    void generate_name_prefixes_follow_the_name_rule(Prefix c) {
        assertThat(c.rule().validate(c.generateName(), true).isEmpty()).isEqualTo(c.valid());
    }
}
