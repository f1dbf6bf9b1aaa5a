package io.berth.apiserver.protobuf;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class GoDurationTest {

    record Case(long nanos, String go) {
    }

    /** Expected strings are what Go's time.Duration(n).String() prints. */
    static Stream<Case> durations() {
        return Stream.of(
                new Case(0, "0s"),
                new Case(1, "1ns"),
                new Case(999, "999ns"),
                new Case(1_500, "1.5µs"),
                new Case(250_000_000, "250ms"),
                new Case(1_500_000, "1.5ms"),
                new Case(1_000_000_000, "1s"),
                new Case(1_500_000_000, "1.5s"),
                new Case(90_000_000_000L, "1m30s"),
                new Case(3_600_000_000_000L, "1h0m0s"),
                new Case(9_900_500_000_000L, "2h45m0.5s"),
                new Case(-2_000_000_000L, "-2s"),
                new Case(-1_500, "-1.5µs"),
                new Case(Long.MIN_VALUE, "-2562047h47m16.854775808s"),
                new Case(Long.MAX_VALUE, "2562047h47m16.854775807s"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("durations")
    void formatsDurationsAsGoDoes(Case c) {
        assertThat(GoDuration.format(c.nanos())).isEqualTo(c.go());
    }
}
