package io.berth.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LatenciesTest {

    record Case(long[] sorted, double percentile, long expected) {
    }

    static Stream<Case> nearestRank() {
        long[] hundred = new long[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = i + 1;
        }
        return Stream.of(
                new Case(new long[] {7}, 50, 7),
                new Case(new long[] {7}, 99, 7),
                new Case(new long[] {1, 2}, 50, 1),
                new Case(new long[] {1, 2}, 51, 2),
                new Case(hundred, 50, 50),
                new Case(hundred, 99, 99),
                new Case(hundred, 99.5, 100),
                new Case(hundred, 100, 100),
                new Case(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 99, 10));
    }

    @ParameterizedTest
    @MethodSource
    void nearestRank(Case c) {
        assertThat(Latencies.percentile(c.sorted(), c.percentile())).isEqualTo(c.expected());
    }

    @Test
    void recordedValuesAreSortedBeforeThePercentileIsTaken() {
        Latencies latencies = new Latencies();
        for (long v : new long[] {50, 10, 40, 20, 30}) {
            latencies.record(v);
        }
        assertThat(latencies.percentile(50)).isEqualTo(30);
        assertThat(latencies.percentile(100)).isEqualTo(50);
        assertThat(latencies.count()).isEqualTo(5);
    }

    @Test
    void aLostRequestRanksAboveEveryLatencyAndReadsLost() {
        Latencies latencies = new Latencies();
        for (int i = 0; i < 98; i++) {
            latencies.record(1_000_000);
        }
        latencies.recordLost();
        latencies.recordLost();
        assertThat(latencies.lost()).isEqualTo(2);
        assertThat(Table.millis(latencies.percentile(50))).isEqualTo("1.00");
        assertThat(Table.millis(latencies.percentile(99))).isEqualTo("lost");
    }

    @Test
    void growsPastItsFirstArray() {
        Latencies latencies = new Latencies();
        for (int i = 5000; i > 0; i--) {
            latencies.record(i);
        }
        assertThat(latencies.percentile(99)).isEqualTo(4950);
    }

    @Test
    void anEmptyRecordHasNoPercentile() {
        assertThatThrownBy(() -> new Latencies().percentile(50)).isInstanceOf(IllegalStateException.class);
    }
}
