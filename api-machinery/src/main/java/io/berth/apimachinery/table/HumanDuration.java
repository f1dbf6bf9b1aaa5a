package io.berth.apimachinery.table;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Kubernetes' {@code duration.HumanDuration}: the short ages kubectl shows ({@code 5s}, {@code 3m2s}, {@code 2d3h}).
 * Stateless and thread safe.
 */
public final class HumanDuration {

    private HumanDuration() {
    }

    /** Formats a duration; up to 2 s in the future counts as now, more is {@code <invalid>}. */
    public static String format(Duration d) {
        long seconds = d.toMillis() / 1000; // truncates toward zero, as Go's int(d.Seconds())
        if (seconds < -1) {
            return "<invalid>";
        } else if (seconds < 0) {
            return "0s";
        } else if (seconds < 60 * 2) {
            return seconds + "s";
        }
        long minutes = d.toMinutes();
        if (minutes < 10) {
            long s = seconds % 60;
            return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
        } else if (minutes < 60 * 3) {
            return minutes + "m";
        }
        long hours = d.toHours();
        if (hours < 8) {
            long m = minutes % 60;
            return m == 0 ? hours + "h" : hours + "h" + m + "m";
        } else if (hours < 48) {
            return hours + "h";
        } else if (hours < 24 * 8) {
            long h = hours % 24;
            return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
        } else if (hours < 24 * 365 * 2) {
            return hours / 24 + "d";
        } else if (hours < 24 * 365 * 8) {
            long dy = (hours / 24) % 365;
            return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
        }
        return hours / 24 / 365 + "y";
    }

    /** The age of an RFC 3339 timestamp at {@code now}; {@code <unknown>} when it is unset or unreadable. */
    public static String since(String timestamp, Instant now) {
        Instant t = parse(timestamp);
        return t == null ? "<unknown>" : format(Duration.between(t, now));
    }

    /** Parses an RFC 3339 timestamp, or returns null. */
    static Instant parse(String timestamp) {
        if (timestamp == null || timestamp.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(timestamp).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
