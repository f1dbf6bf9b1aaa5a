package io.berth.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class StartupStagesTest {

    @Test
    void aStageSummaryGivesTheMedianTheNinetiethPercentileAndTheMaximumInMilliseconds() {
        List<Long> nanos = Stream.iterate(1_000_000L, n -> n + 1_000_000L).limit(10).toList();
        assertThat(StartupStages.summary(nanos)).isEqualTo("p50 5.00 ms, p90 9.00 ms, max 10.0 ms (10 pods)");
        assertThat(StartupStages.summary(List.of())).startsWith("unknown");
    }
}
