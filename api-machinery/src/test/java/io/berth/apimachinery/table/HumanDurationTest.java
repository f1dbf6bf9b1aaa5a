package io.berth.apimachinery.table;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class HumanDurationTest {

    record Case(Duration duration, String text) {
        @Override
        public String toString() {
            return duration + " reads " + text;
        }
    }

    static Stream<Case> durations() {
        return Stream.of(
                new Case(Duration.ZERO, "0s"),
                new Case(Duration.ofMillis(-1500), "0s"),
                new Case(Duration.ofSeconds(-3), "<invalid>"),
                new Case(Duration.ofSeconds(5), "5s"),
                new Case(Duration.ofSeconds(119), "119s"),
                new Case(Duration.ofSeconds(120), "2m"),
                new Case(Duration.ofSeconds(182), "3m2s"),
                new Case(Duration.ofMinutes(10), "10m"),
                new Case(Duration.ofMinutes(179), "179m"),
                new Case(Duration.ofHours(3), "3h"),
                new Case(Duration.ofMinutes(185), "3h5m"),
                new Case(Duration.ofHours(8), "8h"),
                new Case(Duration.ofHours(47), "47h"),
                new Case(Duration.ofHours(48), "2d"),
                new Case(Duration.ofHours(51), "2d3h"),
                new Case(Duration.ofDays(8), "8d"),
                new Case(Duration.ofDays(400), "400d"),
                new Case(Duration.ofDays(730), "2y"),
                new Case(Duration.ofDays(731), "2y1d"),
                new Case(Duration.ofDays(3000), "8y"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("durations")
    void formats_durations_as_kubectl_shows_them(Case c) {
        assertThat(HumanDuration.format(c.duration())).isEqualTo(c.text());
    }

    @Test
    void an_unset_or_unreadable_timestamp_is_unknown() {
        assertThat(HumanDuration.since(null, Instant.now())).isEqualTo("<unknown>");
        assertThat(HumanDuration.since("yesterday", Instant.now())).isEqualTo("<unknown>");
    }

    @Test
    void an_age_is_measured_from_an_rfc3339_timestamp() {
        assertThat(HumanDuration.since("2024-05-01T10:00:00Z", Instant.parse("2024-05-01T10:03:02Z")))
                .isEqualTo("3m2s");
    }
}
