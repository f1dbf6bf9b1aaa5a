package io.berth.bench;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class LineSplitterTest {

    record Case(String name, List<String> chunks, List<String> lines, int pending) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> linesComeOutWholeWhateverTheChunks() {
        return Stream.of(
                new Case("one line in one chunk", List.of("{\"a\":1}\n"), List.of("{\"a\":1}"), 0),
                new Case("two lines in one chunk", List.of("a\nb\n"), List.of("a", "b"), 0),
                new Case("a line over three chunks", List.of("{\"ty", "pe\":\"ADD", "ED\"}\n"),
                        List.of("{\"type\":\"ADDED\"}"), 0),
                new Case("a chunk that ends one line and starts the next", List.of("ab", "c\nde", "f\n"),
                        List.of("abc", "def"), 0),
                new Case("the newline alone in a chunk", List.of("abc", "\n"), List.of("abc"), 0),
                new Case("an unfinished line waits", List.of("abc\nde"), List.of("abc"), 2),
                new Case("a line longer than the buffer", List.of("x".repeat(300), "y".repeat(300) + "\n"),
                        List.of("x".repeat(300) + "y".repeat(300)), 0),
                new Case("an empty line", List.of("\n"), List.of(""), 0));
    }

    @ParameterizedTest
    @MethodSource
    void linesComeOutWholeWhateverTheChunks(Case c) {
        LineSplitter splitter = new LineSplitter();
        List<String> lines = new ArrayList<>();
        for (String chunk : c.chunks()) {
            // surrounded by other bytes, as a slice of a network buffer would be
            byte[] padded = ("##" + chunk + "##").getBytes(StandardCharsets.UTF_8);
            splitter.accept(padded, 2, padded.length - 4,
                    (bytes, offset, length) -> lines.add(new String(bytes, offset, length, StandardCharsets.UTF_8)));
        }
        assertThat(lines).isEqualTo(c.lines());
        assertThat(splitter.pending()).isEqualTo(c.pending());
    }
}
