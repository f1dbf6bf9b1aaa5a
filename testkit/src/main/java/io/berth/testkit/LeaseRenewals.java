package io.berth.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What an observer of node Leases (a watch on {@code kube-node-lease}) saw of their renewals, for tests and benchmarks
 * of heartbeats. Two figures per renewal inside the measuring window:
 * <ul>
 *   <li><b>gap lag</b>: the gap between a Lease's consecutive {@code renewTime}s minus the renew interval: how late
 *       the renewal was by its own clock (negative when early);</li>
 *   <li><b>delivery delay</b>: from {@code renewTime} to the watch event's arrival at the observer: the write, the
 *       api-service, etcd and the watch fan-out together.</li>
 * </ul>
 * An event whose {@code renewTime} does not advance (a relist, a duplicate) is ignored. The first event of each Lease
 * is only its baseline. Thread safe.
 */
public final class LeaseRenewals {

    private final long intervalNanos;
    private final Map<String, Instant> last = new HashMap<>();
    private final Map<String, Integer> renewals = new HashMap<>();
    private long[] gapLags = new long[1024];
    private int gapCount;
    private long[] deliveries = new long[1024];
    private int deliveryCount;
    private Instant measuringFrom = Instant.MAX;
    private Instant measuringUntil = Instant.MAX;

    public LeaseRenewals(Duration renewInterval) {
        this.intervalNanos = renewInterval.toNanos();
    }

    /**
     * Counts renewals received from {@code from} until {@code until}: earlier events only set baselines, later ones
     * are ignored.
     */
    public synchronized void window(Instant from, Instant until) {
        measuringFrom = from;
        measuringUntil = until;
    }

    /** One watch event (or list item) of Lease {@code name}. */
    public synchronized void observe(String name, Instant renewTime, Instant receivedAt) {
        if (renewTime == null || receivedAt.isAfter(measuringUntil)) {
            return;
        }
        Instant previous = last.get(name);
        if (previous != null && !renewTime.isAfter(previous)) {
            return;
        }
        last.put(name, renewTime);
        if (previous == null || receivedAt.isBefore(measuringFrom)) {
            return;
        }
        renewals.merge(name, 1, Integer::sum);
        gapLags = add(gapLags, gapCount++, Duration.between(previous, renewTime).toNanos() - intervalNanos);
        deliveries = add(deliveries, deliveryCount++, Duration.between(renewTime, receivedAt).toNanos());
    }

    private static long[] add(long[] values, int at, long value) {
        long[] v = at == values.length ? Arrays.copyOf(values, values.length * 2) : values;
        v[at] = value;
        return v;
    }

    /**
     * The figures at {@code end} for the Leases {@code expected}: besides the closed gaps, each Lease's open gap
     * (from its last renewal to {@code end}) counts when it already exceeds the interval, since a renewal missing at
     * the end of the window is a late one too.
     */
    public synchronized Report report(Instant end, Collection<String> expected) {
        List<String> unseen = new ArrayList<>();
        List<Long> open = new ArrayList<>();
        int fewest = Integer.MAX_VALUE;
        for (String name : expected) {
            Instant seen = last.get(name);
            if (seen == null) {
                unseen.add(name);
                continue;
            }
            fewest = Math.min(fewest, renewals.getOrDefault(name, 0));
            long lag = Duration.between(seen, end).toNanos() - intervalNanos;
            if (lag > 0) {
                open.add(lag);
            }
        }
        long[] gaps = Arrays.copyOf(gapLags, gapCount + open.size());
        for (int i = 0; i < open.size(); i++) {
            gaps[gapCount + i] = open.get(i);
        }
        Arrays.sort(gaps);
        long[] delivered = Arrays.copyOf(deliveries, deliveryCount);
        Arrays.sort(delivered);
        return new Report(gaps, delivered, gapCount, fewest == Integer.MAX_VALUE ? 0 : fewest, unseen);
    }

    /**
     * @param gapLagNanos     every gap lag (sorted), open gaps at the end included
     * @param deliveryNanos   every delivery delay (sorted)
     * @param renewals        renewals observed in the window
     * @param fewestRenewals  the fewest renewals any expected Lease had in the window
     * @param unseen          expected Leases never observed
     */
    public record Report(long[] gapLagNanos, long[] deliveryNanos, int renewals, int fewestRenewals,
                         List<String> unseen) {

        /** The nearest-rank percentile of sorted values ({@code p} in (0, 100]); 0 when there are none. */
        public static long percentile(long[] sorted, double p) {
            if (sorted.length == 0) {
                return 0;
            }
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
        }

        /** How many values exceed {@code limit}. */
        public static int above(long[] sorted, Duration limit) {
            int n = 0;
            for (int i = sorted.length - 1; i >= 0 && sorted[i] > limit.toNanos(); i--) {
                n++;
            }
            return n;
        }

        /** e.g. {@code n=12000 min -4.1 p50 0.8 p90 2.0 p99 5.3 p99.9 40.2 max 310.0 ms}. */
        public static String describe(long[] sorted) {
            if (sorted.length == 0) {
                return "n=0";
            }
            return String.format(Locale.ROOT, "n=%d min %.1f p50 %.1f p90 %.1f p99 %.1f p99.9 %.1f max %.1f ms",
                    sorted.length, sorted[0] / 1e6, percentile(sorted, 50) / 1e6, percentile(sorted, 90) / 1e6,
                    percentile(sorted, 99) / 1e6, percentile(sorted, 99.9) / 1e6, sorted[sorted.length - 1] / 1e6);
        }
    }
}
