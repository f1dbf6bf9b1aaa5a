package io.berth.bench;

import java.util.Arrays;

/**
 * Splits one connection's byte stream into {@code \n}-terminated lines, whatever the chunk boundaries: a line may
 * arrive in many chunks, and a chunk may hold many lines. Lines are handed out without their {@code \n}; bytes after
 * the last {@code \n} wait for the next chunk. One instance per connection; not thread safe (a connection's chunks
 * arrive on one event loop, in order).
 */
final class LineSplitter {

    /** Receives a line as a slice of an array that is reused after the call returns. */
    interface LineHandler {
        void line(byte[] bytes, int offset, int length);
    }

    private byte[] partial = new byte[256];
    private int partialLength;

    void accept(byte[] chunk, int offset, int length, LineHandler handler) {
        int end = offset + length;
        int start = offset;
        for (int i = offset; i < end; i++) {
            if (chunk[i] != '\n') {
                continue;
            }
            if (partialLength == 0) {
                handler.line(chunk, start, i - start);
            } else {
                append(chunk, start, i - start);
                handler.line(partial, 0, partialLength);
                partialLength = 0;
            }
            start = i + 1;
        }
        append(chunk, start, end - start);
    }

    /** Bytes received after the last complete line. */
    int pending() {
        return partialLength;
    }

    private void append(byte[] bytes, int offset, int length) {
        if (partialLength + length > partial.length) {
            partial = Arrays.copyOf(partial, Math.max(partial.length * 2, partialLength + length));
        }
        System.arraycopy(bytes, offset, partial, partialLength, length);
        partialLength += length;
    }
}
