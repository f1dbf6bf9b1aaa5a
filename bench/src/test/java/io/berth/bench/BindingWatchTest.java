package io.berth.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class BindingWatchTest {

    record Case(String name, String line, BindingWatch.Event expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String UNBOUND = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"pod-12\","
            + "\"namespace\":\"bench-scheduling-basic\"},\"spec\":{\"schedulerName\":\"bench-scheduling-basic\","
            + "\"containers\":[{\"name\":\"pause\",\"image\":\"host\"}]},\"status\":{\"phase\":\"Pending\"}}";
    private static final String BOUND = UNBOUND.replace("\"containers\"",
            "\"nodeName\":\"scheduling-basic-node-7\",\"containers\"");

    static Stream<Case> findsTheBindingsAndErrorsOfAPodWatch() {
        return Stream.of(
                new Case("a bound pod modified", "{\"type\":\"MODIFIED\",\"object\":" + BOUND + "}",
                        new BindingWatch.Event("pod-12", "scheduling-basic-node-7", null)),
                new Case("a pod added bound", "{\"type\":\"ADDED\",\"object\":" + BOUND + "}",
                        new BindingWatch.Event("pod-12", "scheduling-basic-node-7", null)),
                new Case("an unbound pod added", "{\"type\":\"ADDED\",\"object\":" + UNBOUND + "}", null),
                new Case("an empty nodeName", "{\"type\":\"MODIFIED\",\"object\":"
                        + BOUND.replace("scheduling-basic-node-7", "") + "}", null),
                new Case("a bound pod deleted", "{\"type\":\"DELETED\",\"object\":" + BOUND + "}", null),
                new Case("a BOOKMARK",
                        "{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"5\"}}}", null),
                new Case("an expired resourceVersion", "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\","
                        + "\"message\":\"too old resource version: 5 (90)\",\"code\":410}}",
                        new BindingWatch.Event(null, null, "watch error event: too old resource version: 5 (90)")),
                new Case("an empty line", "", null));
    }

    @ParameterizedTest
    @MethodSource
    void findsTheBindingsAndErrorsOfAPodWatch(Case c) {
        byte[] padded = ("xx" + c.line() + "yy").getBytes(StandardCharsets.UTF_8);
        assertThat(BindingWatch.parse(padded, 2, padded.length - 4)).isEqualTo(c.expected());
    }

    @Test
    void aCutLineIsReportedAsAnErrorRatherThanSkipped() {
        byte[] line = ("{\"type\":\"MODIFIED\",\"object\":" + BOUND.substring(0, 200)).getBytes(StandardCharsets.UTF_8);
        assertThat(BindingWatch.parse(line, 0, line.length).error()).startsWith("an unreadable watch event");
    }

    @Test
    void aGroupKeepsTheFirstBindingOfItsOwnPodsOnly() {
        BindingWatch.Group group = new BindingWatch.Group("pod-", 10);
        assertThat(group.observe("pod-3", "node-1", 100)).isTrue();
        assertThat(group.observe("pod-3", "node-2", 200)).isFalse();
        assertThat(group.observe("init-3", "node-1", 300)).isFalse();
        assertThat(group.observe("pod-10", "node-1", 300)).isFalse();
        assertThat(group.observe("pod-", "node-1", 300)).isFalse();
        assertThat(group.observe("pod-1x", "node-1", 300)).isFalse();
        assertThat(group.observe("pod-9", "node-4", 50)).isTrue();
        assertThat(group.bound()).isEqualTo(2);
        assertThat(group.node(3)).isEqualTo("node-1");
        assertThat(group.boundAt(3)).isEqualTo(100);
        assertThat(group.boundAt(0)).isZero();
        assertThat(group.lastBoundAt()).isEqualTo(100);
    }
}
