package io.berth.node.server;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.nio.charset.StandardCharsets;

/**
 * One line of a CRI-format container log, as conmon writes it: {@code <RFC 3339 time> <stdout|stderr> <tag> <text>},
 * where the tag is {@code F} for a full line or {@code P} for a partial one that the next entry continues (further
 * tags may follow a colon, {@code F:x}). The text is kept as bytes: a container may write anything.
 *
 * @param time    when the runtime received the text
 * @param stream  {@code stdout} or {@code stderr}
 * @param partial the text continues in the next entry (no line end)
 */
record CriLine(Instant time, String stream, boolean partial, byte[] buffer, int offset, int length) {

    /**
     * Parses {@code length} bytes at {@code offset} (without the line end), or null when they are not a CRI log line:
     * the kubelet skips such lines too.
     */
    static CriLine parse(byte[] buffer, int offset, int length) {
        int end = offset + length;
        int timeEnd = indexOf(buffer, offset, end, (byte) ' ');
        if (timeEnd < 0) {
            return null;
        }
        int streamEnd = indexOf(buffer, timeEnd + 1, end, (byte) ' ');
        if (streamEnd < 0) {
            return null;
        }
        int tagEnd = indexOf(buffer, streamEnd + 1, end, (byte) ' ');
        int textStart = tagEnd < 0 ? end : tagEnd + 1;
        if (tagEnd < 0) {
            tagEnd = end;
        }
        Instant time = time(new String(buffer, offset, timeEnd - offset, StandardCharsets.US_ASCII));
        if (time == null || tagEnd == streamEnd + 1) {
            return null;
        }
        String stream = new String(buffer, timeEnd + 1, streamEnd - timeEnd - 1, StandardCharsets.US_ASCII);
        boolean partial = buffer[streamEnd + 1] == 'P' && (tagEnd == streamEnd + 2 || buffer[streamEnd + 2] == ':');
        return new CriLine(time, stream, partial, buffer, textStart, end - textStart);
    }

    /**
     * Whether the entry of {@code length} bytes at {@code offset} ends a line (tag {@code F}); what the tail scan
     * needs from an entry's first bytes. An entry that is not CRI counts as a full line.
     */
    static boolean endsLine(byte[] buffer, int offset, int length) {
        int end = offset + length;
        int timeEnd = indexOf(buffer, offset, end, (byte) ' ');
        int streamEnd = timeEnd < 0 ? -1 : indexOf(buffer, timeEnd + 1, end, (byte) ' ');
        if (streamEnd < 0 || streamEnd + 1 >= end) {
            return true;
        }
        boolean partialTag = buffer[streamEnd + 1] == 'P'
                && (streamEnd + 2 >= end || buffer[streamEnd + 2] == ' ' || buffer[streamEnd + 2] == ':');
        return !partialTag;
    }

    private static Instant time(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static int indexOf(byte[] buffer, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (buffer[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Go's {@code time.RFC3339Nano} in UTC, the form {@code kubectl logs --timestamps} prints: nanoseconds without
     * trailing zeros, none at all for a whole second ({@code 2024-05-06T07:08:09.1234Z}).
     */
    static String rfc3339Nano(Instant time) {
        String base = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").format(time.atOffset(ZoneOffset.UTC));
        int nanos = time.getNano();
        if (nanos == 0) {
            return base + "Z";
        }
        String fraction = String.format("%09d", nanos).replaceAll("0+$", "");
        return base + "." + fraction + "Z";
    }
}
