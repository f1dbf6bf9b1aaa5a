package io.berth.apiserver.storage;

import io.berth.apimachinery.errors.StatusErrors;

import java.nio.charset.StandardCharsets;

/**
 * resourceVersion helpers: parsing clients' values, and putting the revision back into stored JSON without decoding
 * it (the fast path of get, list and watch).
 */
public final class ResourceVersions {

    private static final byte[] METADATA = "\"metadata\":{".getBytes(StandardCharsets.US_ASCII);

    private ResourceVersions() {
    }

    /** Parses a resourceVersion parameter: "" → 0; anything not a positive number is a 400, as in Kubernetes. */
    public static long parse(String value) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            long rv = Long.parseLong(value);
            if (rv < 0) {
                throw new NumberFormatException();
            }
            return rv;
        } catch (NumberFormatException e) {
            throw StatusErrors.badRequest("invalid resource version: " + value);
        }
    }

    /**
     * Stored JSON with {@code "resourceVersion":"rv"} added to its top-level metadata. Stored values are written by
     * {@link ObjectCodec} (compact, apiVersion and kind before metadata), so the first {@code "metadata":{} is the
     * object's own: the sequence cannot occur inside a JSON string, whose quotes are escaped.
     */
    public static byte[] inject(byte[] json, long rv) {
        int at = indexOf(json, METADATA);
        if (at < 0) {
            return json;
        }
        int insert = at + METADATA.length;
        boolean empty = insert < json.length && json[insert] == '}';
        byte[] field = ("\"resourceVersion\":\"" + rv + "\"" + (empty ? "" : ","))
                .getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[json.length + field.length];
        System.arraycopy(json, 0, out, 0, insert);
        System.arraycopy(field, 0, out, insert, field.length);
        System.arraycopy(json, insert, out, insert + field.length, json.length - insert);
        return out;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
