package io.berth.gateway.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * A position in the trail's newest-first order: the (time, id) of the last entry a page returned. The next page starts
 * strictly after it, so entries inserted meanwhile never shift a page (an entry older than the position that arrives
 * late, such as a watch recorded when it ended, shows up on a later page). Opaque to clients: URL-safe base64 of
 * {@code v1:<epoch millis>:<uuid>}. Not signed: a hand-made token only moves the client's own position, and every
 * page is filtered by what the client may see. Immutable.
 */
record ContinueToken(Instant time, String id) {

    private static final String VERSION = "v1";

    String encode() {
        String plain = VERSION + ":" + time.toEpochMilli() + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
    }

    /** @throws IllegalArgumentException when the token is not one this gateway issued (garbled, other version) */
    static ContinueToken decode(String token) {
        String plain;
        try {
            plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not base64");
        }
        String[] parts = plain.split(":", -1);
        if (parts.length != 3 || !parts[0].equals(VERSION)) {
            throw new IllegalArgumentException("unknown format");
        }
        long millis;
        try {
            millis = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad time");
        }
        if (millis < 0 || millis > Instant.parse("9999-12-31T23:59:59Z").toEpochMilli()) {
            throw new IllegalArgumentException("bad time");
        }
        try {
            if (!UUID.fromString(parts[2]).toString().equals(parts[2])) {
                throw new IllegalArgumentException("bad id");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad id");
        }
        return new ContinueToken(Instant.ofEpochMilli(millis), parts[2]);
    }
}
