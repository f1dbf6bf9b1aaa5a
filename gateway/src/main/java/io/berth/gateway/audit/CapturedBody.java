package io.berth.gateway.audit;

/**
 * The beginning of a write's request body as it passed through the gateway, before redaction. Held only between the
 * request and the audit writer; never stored as is.
 *
 * @param bytes           at most the body limit
 * @param truncated       the body went on beyond {@code bytes}
 * @param contentType     the request's Content-Type header, or null
 * @param contentEncoding the request's Content-Encoding header, or null
 */
public record CapturedBody(byte[] bytes, boolean truncated, String contentType, String contentEncoding) {

    public int size() {
        return bytes.length;
    }
}
