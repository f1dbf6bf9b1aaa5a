package io.berth.apiserver.openapi;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One served OpenAPI document: its JSON bytes and their content hash, ready for the HTTP layer.
 *
 * <p>The hash is what Kubernetes uses: the uppercase hex SHA-512 of the body. The {@code /openapi/v3} root links
 * each group-version document as {@code /openapi/v3/<gv>?hash=<hash>}; Kubernetes answers such a URL, when the hash
 * is current, with {@code Cache-Control: public, immutable} (clients cache it forever), and otherwise redirects
 * ({@code 301}) to the current hash. {@link #etag()} is the quoted hash, for {@code ETag}/{@code If-None-Match}.
 *
 * <p>Immutable and thread safe: {@link #body()} copies, {@link #buffer()} is a read-only view without copying.
 */
public final class OpenApiContent {

    private final byte[] body;
    private final String hash;

    private OpenApiContent(byte[] body, String hash) {
        this.body = body;
        this.hash = hash;
    }

    /** Wraps a serialized document (the array is kept, not copied: the caller hands it over). */
    static OpenApiContent of(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-512").digest(body);
            return new OpenApiContent(body, HexFormat.of().withUpperCase().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-512", e);
        }
    }

    /** The JSON document, {@code Content-Type: application/json}; a fresh copy. */
    public byte[] body() {
        return body.clone();
    }

    /** The JSON document as a read-only buffer over the cached bytes (no copy). */
    public ByteBuffer buffer() {
        return ByteBuffer.wrap(body).asReadOnlyBuffer();
    }

    public int length() {
        return body.length;
    }

    /** Uppercase hex SHA-512 of the body: the {@code hash} query parameter of {@code /openapi/v3} links. */
    public String hash() {
        return hash;
    }

    /** The strong entity tag: the quoted hash. */
    public String etag() {
        return '"' + hash + '"';
    }

    /** True when an {@code If-None-Match} header value names this content (or is {@code *}). */
    public boolean matches(String ifNoneMatch) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.trim();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals("*") || t.equals(etag())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "OpenApiContent[" + body.length + " bytes, hash " + hash.substring(0, 16) + "...]";
    }
}
