package io.berth.node.pods;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The cases of the kubelet's {@code expansion/expand_test.go}. */
class ExpansionTest {

    record Case(String name, String input, String expected) {
    }

    static final Map<String, String> VARS = Map.of("VAR_A", "A", "VAR_B", "B", "VAR_C", "C", "VAR_REF", "$(VAR_A)",
            "VAR_EMPTY", "");

    static Stream<Case> cases() {
        return Stream.of(
                new Case("whole string", "$(VAR_A)", "A"),
                new Case("repeat", "$(VAR_A)-$(VAR_A)", "A-A"),
                new Case("beginning", "$(VAR_A)-1", "A-1"),
                new Case("middle", "___$(VAR_B)___", "___B___"),
                new Case("end", "___$(VAR_C)", "___C"),
                new Case("compound", "$(VAR_A)_$(VAR_B)_$(VAR_C)", "A_B_C"),
                new Case("escaped operator then reference", "$$(VAR_B)_$(VAR_A)", "$(VAR_B)_A"),
                new Case("two escapes", "$$(VAR_B)_$$(VAR_A)", "$(VAR_B)_$(VAR_A)"),
                new Case("escape before text", "f000-$$VAR_A", "f000-$VAR_A"),
                new Case("backslash is no escape", "foo\\$(VAR_C)bar", "foo\\Cbar"),
                new Case("two backslashes", "foo\\\\$(VAR_C)bar", "foo\\\\Cbar"),
                new Case("value is not expanded again", "$(VAR_REF)", "$(VAR_A)"),
                new Case("empty value", "x$(VAR_EMPTY)y", "xy"),
                new Case("undefined stays", "$(VAR_DNE)", "$(VAR_DNE)"),
                new Case("empty name stays", "foo$()bar", "foo$()bar"),
                new Case("unclosed reference", "$(VAR_A", "$(VAR_A"),
                new Case("unclosed after text", "foo$(VAR_A", "foo$(VAR_A"),
                new Case("lone operator", "$", "$"),
                new Case("trailing operator", "$(VAR_A)$", "A$"),
                new Case("escaped operator alone", "$$", "$"),
                new Case("two escaped operators", "$$$$", "$$"),
                new Case("escape then reference", "$$$(VAR_A)", "$A"),
                new Case("operator before a letter", "$VAR_A", "$VAR_A"),
                new Case("nested reference", "$(VAR_A$(VAR_B))", "$(VAR_A$(VAR_B))"),
                new Case("no operators", "plain text", "plain text"),
                new Case("empty", "", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void expandsAsTheKubeletDoes(Case c) {
        assertThat(Expansion.expand(c.input(), VARS)).isEqualTo(c.expected());
    }
}
