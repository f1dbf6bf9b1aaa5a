package io.berth.bench;

import java.nio.charset.StandardCharsets;

/**
 * Reads the one thing the fan-out benchmark needs from a watch event line: which of its writes an ADDED event is
 * about. A byte scan rather than a JSON parse, because 1,000 watchers at 100 writes/s are 100,000 lines a second on
 * the machine that also runs the servers under test. It relies on the benchmark's own naming: pods are named
 * {@code <prefix><n>}, and no other string in the object (namespace, labels, image, container name) contains
 * {@code "<prefix>}.
 */
final class WatchLines {

    private static final byte[] ADDED = "{\"type\":\"ADDED\"".getBytes(StandardCharsets.US_ASCII);

    private final byte[] marker;

    /** @param prefix the pods' name prefix, e.g. {@code wf-} */
    WatchLines(String prefix) {
        this.marker = ("\"" + prefix).getBytes(StandardCharsets.US_ASCII);
    }

    /** The number n of pod {@code <prefix>n} if the line is its ADDED event, else -1. */
    int addedIndex(byte[] line, int offset, int length) {
        if (!startsWith(line, offset, length, ADDED)) {
            return -1;
        }
        int end = offset + length;
        int at = indexOf(line, offset + ADDED.length, end, marker);
        if (at < 0) {
            return -1;
        }
        int n = 0;
        int digits = 0;
        for (int i = at + marker.length; i < end; i++) {
            byte b = line[i];
            if (b == '"') {
                return digits == 0 ? -1 : n;
            }
            if (b < '0' || b > '9' || digits == 9) {
                return -1;
            }
            n = n * 10 + (b - '0');
            digits++;
        }
        return -1;
    }

    private static boolean startsWith(byte[] line, int offset, int length, byte[] prefix) {
        if (length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (line[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] haystack, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
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
