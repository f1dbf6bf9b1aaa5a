package io.berth.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class WatchStreamTest {

    private static final String POD = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"pod-12\","
            + "\"namespace\":\"bench\"},\"spec\":{\"nodeName\":\"node-7\",\"containers\":[{\"name\":\"app\","
            + "\"image\":\"host\"}]},\"status\":{\"phase\":\"Pending\"}}";

    record VersionCase(String name, String line, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<VersionCase> findsTheResourceVersionToResumeFrom() {
        return Stream.of(
                new VersionCase("a pod", "{\"type\":\"MODIFIED\",\"object\":"
                        + POD.replace("\"name\":\"pod-12\",", "\"name\":\"pod-12\",\"resourceVersion\":\"4711\",")
                        + "}", "4711"),
                new VersionCase("a BOOKMARK",
                        "{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"90\"}}}", "90"),
                new VersionCase("an ERROR", "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":410}}",
                        null),
                new VersionCase("a cut number", "{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":"
                        + "{\"resourceVersion\":\"90", null),
                new VersionCase("an empty one", "{\"metadata\":{\"resourceVersion\":\"\"}}", null));
    }

    @ParameterizedTest
    @MethodSource
    void findsTheResourceVersionToResumeFrom(VersionCase c) {
        byte[] padded = ("xx" + c.line() + "yy").getBytes(StandardCharsets.UTF_8);
        assertThat(WatchStream.resourceVersion(padded, 2, padded.length - 4)).isEqualTo(c.expected());
    }

    @Test
    void anErrorEventCarriesItsMessage() {
        byte[] line = ("{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"message\":\"too old resource version: "
                + "5 (90)\",\"code\":410}}").getBytes(StandardCharsets.UTF_8);
        assertThat(WatchStream.parse(line, 0, line.length).error())
                .isEqualTo("watch error event: too old resource version: 5 (90)");
    }

    @Test
    void aCutLineIsAnErrorRatherThanSkipped() {
        byte[] line = ("{\"type\":\"MODIFIED\",\"object\":" + POD.substring(0, 80)).getBytes(StandardCharsets.UTF_8);
        assertThat(WatchStream.parse(line, 0, line.length).error()).startsWith("an unreadable watch event");
    }

    @Test
    void onlyAddedAndModifiedEventsShowAnObjectAsItIsNow() {
        for (String type : new String[] {"ADDED", "MODIFIED", "DELETED", "BOOKMARK"}) {
            byte[] line = ("{\"type\":\"" + type + "\",\"object\":" + POD + "}").getBytes(StandardCharsets.UTF_8);
            WatchStream.Event event = WatchStream.parse(line, 0, line.length);
            assertThat(event.error()).isNull();
            assertThat(event.addedOrModified()).as(type).isEqualTo(type.equals("ADDED") || type.equals("MODIFIED"));
        }
    }
}
