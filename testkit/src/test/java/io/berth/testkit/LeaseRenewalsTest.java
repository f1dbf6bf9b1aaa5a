package io.berth.testkit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LeaseRenewalsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Instant at(double seconds) {
        return T0.plusMillis(Math.round(seconds * 1000));
    }

    @Test
    void gapLagIsTheGapBetweenRenewalsMinusTheIntervalAndDeliveryIsRenewalToArrival() {
        LeaseRenewals r = new LeaseRenewals(Duration.ofSeconds(10));
        r.observe("a", at(-3), at(0));     // the list: a baseline, before the window
        r.window(at(0), at(20));
        r.observe("a", at(7), at(7.05));   // gap 10 s: lag 0, delivered in 50 ms
        r.observe("a", at(7), at(7.2));    // a duplicate: ignored
        r.observe("a", at(17.4), at(17.5)); // gap 10.4 s: lag 400 ms
        r.observe("b", at(1), at(1.01));   // b's first event: its baseline only
        r.observe("b", at(20.5), at(20.6)); // after the window: ignored

        LeaseRenewals.Report report = r.report(at(20), List.of("a", "b", "c"));

        assertThat(report.renewals()).isEqualTo(2);
        assertThat(report.unseen()).containsExactly("c");
        assertThat(report.gapLagNanos()).containsExactly(0L, 400_000_000L, 9_000_000_000L - 0);
        assertThat(report.deliveryNanos()).containsExactly(50_000_000L, 100_000_000L);
        assertThat(LeaseRenewals.Report.above(report.gapLagNanos(), Duration.ofSeconds(1))).isEqualTo(1);
        assertThat(report.fewestRenewals()).isZero();
    }

    @Test
    void percentilesAreNearestRank() {
        long[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(LeaseRenewals.Report.percentile(sorted, 50)).isEqualTo(5);
        assertThat(LeaseRenewals.Report.percentile(sorted, 99)).isEqualTo(10);
        assertThat(LeaseRenewals.Report.percentile(new long[0], 99)).isZero();
    }
}
