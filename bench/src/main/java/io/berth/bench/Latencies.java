package io.berth.bench;

import java.util.Arrays;

/**
 * Latencies in nanoseconds, kept exactly (a run records at most some tens of thousands), with nearest-rank
 * percentiles. A request that never completed is recorded as {@link #LOST}, which sorts above every latency: a p99
 * that lands on it reads "lost" rather than a flattering figure over the survivors. Thread safe.
 */
final class Latencies {

    /** The value of a request or event that did not complete before the run's deadline. */
    static final long LOST = Long.MAX_VALUE;

    private long[] values = new long[1024];
    private int size;

    synchronized void record(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    void recordLost() {
        record(LOST);
    }

    synchronized int count() {
        return size;
    }

    synchronized int lost() {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (values[i] == LOST) {
                n++;
            }
        }
        return n;
    }

    /**
     * The nearest-rank percentile: the smallest recorded value with at least {@code p} percent of the values at or
     * below it.
     *
     * @throws IllegalStateException when nothing was recorded
     */
    synchronized long percentile(double p) {
        if (size == 0) {
            throw new IllegalStateException("no latencies recorded");
        }
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        return percentile(sorted, p);
    }

    static long percentile(long[] sorted, double p) {
        if (p <= 0 || p > 100) {
            throw new IllegalArgumentException("percentile " + p + " is not in (0, 100]");
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
