package io.berth.bench;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class WatchLinesTest {

    record Case(String name, String line, int expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> findsTheWriteAnAddedEventIsAbout() {
        String object = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"labels\":{\"app\":\"bench\"},"
                + "\"name\":\"wf-1234\",\"namespace\":\"bench-watch\"},\"spec\":{\"containers\":[{\"name\":\"app\"}]}}";
        String added = "{\"type\":\"ADDED\",\"object\":";
        return Stream.of(
                new Case("an ADDED event", added + object + "}", 1234),
                new Case("the first write", added + object.replace("wf-1234", "wf-0") + "}", 0),
                new Case("a MODIFIED event", "{\"type\":\"MODIFIED\",\"object\":" + object + "}", -1),
                new Case("a BOOKMARK",
                        "{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"5\"}}}", -1),
                new Case("another pod", added + object.replace("wf-1234", "other") + "}", -1),
                new Case("a name that is not a number", added + object.replace("wf-1234", "wf-12x") + "}", -1),
                new Case("a cut line", "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"wf-12", -1),
                new Case("an empty line", "", -1));
    }

    @ParameterizedTest
    @MethodSource
    void findsTheWriteAnAddedEventIsAbout(Case c) {
        byte[] padded = ("xx" + c.line() + "yy").getBytes(StandardCharsets.UTF_8);
        assertThat(new WatchLines("wf-").addedIndex(padded, 2, padded.length - 4)).isEqualTo(c.expected());
    }
}
