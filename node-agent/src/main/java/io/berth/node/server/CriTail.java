package io.berth.node.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Where the last {@code n} lines of a CRI log begin, found by reading the file backwards in blocks, as the kubelet
 * does for {@code --tail}: whatever the file's size, only the blocks holding those lines are read. A line is a run of
 * partial ({@code P}) entries ended by a full ({@code F}) one; partial entries at the very end, a line the container
 * is still writing, count as one line.
 */
final class CriTail {

    private static final int BLOCK = 64 * 1024;
    /** Enough of an entry's start for its time, stream and tag. */
    private static final int HEADER = 80;

    private final FileChannel channel;
    private final byte[] block = new byte[BLOCK];
    private long blockStart = -1;
    private int blockLength;

    private CriTail(FileChannel channel) {
        this.channel = channel;
    }

    /** The offset of the first byte of the last {@code lines} lines (0 when the file holds no more than that). */
    static long start(FileChannel channel, long lines) throws IOException {
        return new CriTail(channel).find(lines);
    }

    private long find(long lines) throws IOException {
        long size = channel.size();
        if (lines <= 0 || size == 0) {
            return size;
        }
        long count = 0;
        boolean open = false;
        long entryEnd = size;
        long searchFrom = byteAt(size - 1) == '\n' ? size - 2 : size - 1;
        while (true) {
            long newline = previousNewline(searchFrom);
            long entryStart = newline + 1;
            if (entryStart < entryEnd) {
                if (endsLine(entryStart, entryEnd)) {
                    if (open) {
                        count++;
                    }
                    if (count == lines) {
                        return entryEnd;
                    }
                }
                open = true;
            }
            if (newline < 0) {
                return 0;
            }
            entryEnd = entryStart;
            searchFrom = newline - 1;
        }
    }

    private boolean endsLine(long start, long end) throws IOException {
        int length = (int) Math.min(HEADER, end - start);
        ByteBuffer header = ByteBuffer.allocate(length);
        while (header.hasRemaining() && channel.read(header, start + header.position()) > 0) {
            // a positional read may return fewer bytes than asked
        }
        return CriLine.endsLine(header.array(), 0, header.position());
    }

    /** The offset of the last newline at or before {@code from}, or -1. */
    private long previousNewline(long from) throws IOException {
        for (long i = from; i >= 0; i--) {
            if (byteAt(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private byte byteAt(long offset) throws IOException {
        if (offset < blockStart || offset >= blockStart + blockLength) {
            // backwards: the block ends at the asked offset, so the scan continues in it
            blockStart = Math.max(0, offset + 1 - BLOCK);
            ByteBuffer buffer = ByteBuffer.wrap(block, 0, (int) (offset + 1 - blockStart));
            while (buffer.hasRemaining() && channel.read(buffer, blockStart + buffer.position()) > 0) {
                // fill the block
            }
            blockLength = buffer.position();
        }
        return block[(int) (offset - blockStart)];
    }
}
