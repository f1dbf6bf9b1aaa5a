package io.berth.node.pods;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void theFirstRestartIsImmediateThenTheDelayDoublesUpToTheMaximum() {
        Backoff b = new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(40));
        long[] expected = {0, 10, 20, 40, 40};
        Instant t = T0;
        for (long e : expected) {
            Instant until = b.stopped(t, Duration.ofSeconds(1));
            assertThat(Duration.between(t, until)).isEqualTo(Duration.ofSeconds(e));
            assertThat(b.current()).isEqualTo(Duration.ofSeconds(e));
            t = until.plusSeconds(1);
        }
    }

    @Test
    void aRunLongerThanTwiceTheMaximumResetsTheDelay() {
        Backoff b = new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(40));
        b.stopped(T0, Duration.ofSeconds(1));
        b.stopped(T0, Duration.ofSeconds(1));
        Instant until = b.stopped(T0.plusSeconds(500), Duration.ofSeconds(80));
        assertThat(until).isEqualTo(T0.plusSeconds(500));
    }
}
