package io.berth.controller.runtime;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** Kubernetes' timestamps ({@code metav1.Time}: RFC 3339, whole seconds). */
public final class Times {

    private Times() {
    }

    /** The instant, or null for null or a malformed value. */
    public static Instant parse(String time) {
        if (time == null || time.isEmpty()) {
            return null;
        }
        try {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(time, Instant::from);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    public static String format(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }
}
