package io.berth.apiserver.protobuf;

/**
 * Go's {@code time.Duration.String()}, the JSON form of Kubernetes' {@code metav1.Duration}: {@code 1h0m0s},
 * {@code 1m30s}, {@code 1.5s}, {@code 250ms}, {@code 1.5µs}, {@code 0s}. Stateless.
 */
final class GoDuration {

    private static final long MICROSECOND = 1_000;
    private static final long MILLISECOND = 1_000_000;
    private static final long SECOND = 1_000_000_000;

    private GoDuration() {
    }

    static String format(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        // Go works on the unsigned magnitude, so Long.MIN_VALUE keeps its digits
        boolean negative = nanos < 0;
        long u = negative ? -nanos : nanos;
        StringBuilder out = new StringBuilder();
        if (Long.compareUnsigned(u, SECOND) < 0) {
            if (u < MICROSECOND) {
                out.append(u).append("ns");
            } else if (u < MILLISECOND) {
                out.append(fraction(u, 3)).append("µs");
            } else {
                out.append(fraction(u, 6)).append("ms");
            }
        } else {
            long seconds = Long.divideUnsigned(u, SECOND);
            String frac = decimals(Long.remainderUnsigned(u, SECOND), 9);
            long minutes = seconds / 60;
            long hours = minutes / 60;
            if (hours > 0) {
                out.append(hours).append('h');
            }
            if (minutes > 0) {
                out.append(minutes % 60).append('m');
            }
            out.append(seconds % 60).append(frac).append('s');
        }
        return negative ? "-" + out : out.toString();
    }

    /** {@code v / 10^digits} with the fraction's trailing zeros (and a bare point) left out. */
    private static String fraction(long v, int digits) {
        long scale = (long) Math.pow(10, digits);
        return (v / scale) + decimals(v % scale, digits);
    }

    private static String decimals(long remainder, int digits) {
        if (remainder == 0) {
            return "";
        }
        String padded = String.format("%0" + digits + "d", remainder);
        int end = padded.length();
        while (padded.charAt(end - 1) == '0') {
            end--;
        }
        return "." + padded.substring(0, end);
    }
}
