package io.berth.apiserver.watch;

import java.nio.charset.StandardCharsets;

/** The wire form of a watch event: {@code {"type":"ADDED","object":...}} and a newline. */
public final class Frames {

    private static final byte[] TYPE_PREFIX = "{\"type\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OBJECT_PREFIX = "\",\"object\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "}\n".getBytes(StandardCharsets.US_ASCII);

    private Frames() {
    }

    /** One event line around an object serialized once for every watcher. */
    public static byte[] encode(String type, byte[] object) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[TYPE_PREFIX.length + t.length + OBJECT_PREFIX.length + object.length + END.length];
        int at = 0;
        for (byte[] part : new byte[][]{TYPE_PREFIX, t, OBJECT_PREFIX, object, END}) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }
}
