package io.berth.node.server;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;

/**
 * Reads a CRI-format container log forwards and writes what {@code kubectl logs} shows: each line's text, partial
 * entries joined into their line, optionally prefixed with the line's time ({@code timestamps}), only lines at or
 * after {@code since}, starting {@code tailLines} lines before the end, at most {@code limitBytes} bytes in all.
 *
 * <p>Memory stays bounded whatever the file's size: one block is read at a time, and a line longer than
 * {@value #MAX_LINE} bytes is written out in pieces. A file that is missing reads as empty (its container may not have
 * written it yet); a file that shrank was truncated and is read again from its start; when the path names a new file
 * (the agent's log rotation renamed the old one away) the old file is read to its end, then the new one from its
 * start. Not thread safe: one reader per response.
 */
final class CriLogReader implements Closeable {

    static final int BLOCK = 64 * 1024;
    static final int MAX_LINE = 1024 * 1024;

    private final Path file;
    private final Long tailLines;
    private final Instant since;
    private final boolean timestamps;
    private long remaining;
    private FileChannel channel;
    /** The identity (device and inode) of the file {@link #channel} reads. */
    private Object fileKey;
    private long position;
    /** The bytes of an entry whose line end has not been read yet. */
    private final ByteArrayOutputStream carry = new ByteArrayOutputStream();
    /** The text of the current line so far, from its partial entries. */
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    /** The time of the current line's first entry; null between lines. */
    private Instant lineTime;

    /**
     * @param tailLines  start this many lines before the end (null: at the start)
     * @param since      skip lines older than this (null: none)
     * @param limitBytes stop after this many bytes of output (null: no limit)
     */
    CriLogReader(Path file, Long tailLines, Instant since, boolean timestamps, Long limitBytes) {
        this.file = file;
        this.tailLines = tailLines;
        this.since = since;
        this.timestamps = timestamps;
        this.remaining = limitBytes == null ? Long.MAX_VALUE : limitBytes;
    }

    /**
     * Reads one block past what was read before and returns its output, which may be empty (lines filtered out, or
     * an entry not ended yet); null when the file holds nothing more now or the byte limit is reached.
     */
    byte[] next() throws IOException {
        if (remaining <= 0 || !open()) {
            return null;
        }
        long size = channel.size();
        if (size < position) {
            position = 0;
            carry.reset();
        }
        if (position >= size) {
            if (!reopenIfRotated()) {
                return null;
            }
            size = channel.size();
            if (size == 0) {
                return null;
            }
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(BLOCK, size - position));
        int n = channel.read(buffer, position);
        if (n <= 0) {
            return null;
        }
        position += n;
        byte[] data = buffer.array();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (data[i] == '\n') {
                if (carry.size() > 0) {
                    carry.write(data, start, i - start);
                    entry(carry.toByteArray(), 0, carry.size(), out);
                    carry.reset();
                } else {
                    entry(data, start, i - start, out);
                }
                start = i + 1;
            }
        }
        if (start < n) {
            carry.write(data, start, n - start);
            if (carry.size() > MAX_LINE) {
                entry(carry.toByteArray(), 0, carry.size(), out);
                carry.reset();
            }
        }
        return limit(out.toByteArray());
    }

    /**
     * The output still held back: an entry without its line end and a line whose partial entries were not ended.
     * For when nothing more will be written (the container stopped, or the read is not followed).
     */
    byte[] finish() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (remaining <= 0) {
            return new byte[0];
        }
        if (carry.size() > 0) {
            entry(carry.toByteArray(), 0, carry.size(), out);
            carry.reset();
        }
        if (lineTime != null) {
            writeLine(out, false);
        }
        return limit(out.toByteArray());
    }

    /** The output reached {@code limitBytes}: nothing more will be returned. */
    boolean limitReached() {
        return remaining <= 0;
    }

    private boolean open() throws IOException {
        if (channel != null) {
            return true;
        }
        try {
            fileKey = key();
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return false;
        }
        position = tailLines == null ? 0 : CriTail.start(channel, tailLines);
        return true;
    }

    /** When the path now names another file than the one read to its end: continue with that one, at its start. */
    private boolean reopenIfRotated() throws IOException {
        Object now;
        try {
            now = key();
        } catch (NoSuchFileException e) {
            return false;
        }
        if (now == null || now.equals(fileKey)) {
            return false;
        }
        FileChannel next;
        try {
            next = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return false;
        }
        channel.close();
        channel = next;
        fileKey = now;
        position = 0;
        return true;
    }

    private Object key() throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }

    private void entry(byte[] buffer, int offset, int length, ByteArrayOutputStream out) throws IOException {
        CriLine entry = CriLine.parse(buffer, offset, length);
        if (entry == null) {
            return;
        }
        if (lineTime == null) {
            lineTime = entry.time();
        }
        line.write(entry.buffer(), entry.offset(), entry.length());
        if (!entry.partial()) {
            writeLine(out, true);
        } else if (line.size() > MAX_LINE) {
            writeLine(out, false);
        }
    }

    private void writeLine(ByteArrayOutputStream out, boolean lineEnd) throws IOException {
        if (since == null || !lineTime.isBefore(since)) {
            if (timestamps) {
                out.write((CriLine.rfc3339Nano(lineTime) + " ").getBytes(StandardCharsets.US_ASCII));
            }
            line.writeTo(out);
            if (lineEnd) {
                out.write('\n');
            }
        }
        line.reset();
        lineTime = null;
    }

    private byte[] limit(byte[] output) {
        if (output.length > remaining) {
            output = java.util.Arrays.copyOf(output, (int) remaining);
        }
        remaining -= output.length;
        return output;
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
