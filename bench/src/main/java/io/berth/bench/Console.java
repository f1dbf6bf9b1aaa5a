package io.berth.bench;

import java.time.Duration;
import java.util.Locale;

/**
 * Progress on standard error (standard output carries only the environment note and the table), and the scale of
 * every benchmark duration: {@code BERTH_BENCH_SCALE} (default 1) shortens or lengthens all of them for a quick look.
 */
final class Console {

    private static final long STARTED = System.nanoTime();

    private Console() {
    }

    static void progress(String benchmark, String message) {
        System.err.printf(Locale.ROOT, "[bench %6.1fs] %s: %s%n", (System.nanoTime() - STARTED) / 1e9, benchmark,
                message);
    }

    static double scale() {
        String s = System.getenv("BERTH_BENCH_SCALE");
        if (s == null || s.isBlank()) {
            return 1.0;
        }
        try {
            double scale = Double.parseDouble(s.strip());
            return scale > 0 ? scale : 1.0;
        } catch (NumberFormatException e) {
            return 1.0;
        }
    }

    /** {@code seconds} times the scale. */
    static Duration seconds(double seconds) {
        return Duration.ofMillis(Math.max(100, Math.round(seconds * scale() * 1000)));
    }
}
