package io.berth.node.images;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Reads the few small top-level files that tell an OCI layout tar from a docker-archive ({@code oci-layout},
 * {@code index.json}, {@code manifest.json}), without unpacking the archive. Understands ustar, GNU long names and
 * pax path records, and gzip-compressed archives (which skopeo cannot read: the store decompresses them first).
 */
final class TarEntries {

    private static final int BLOCK = 512;
    private static final long MAX_METADATA = 16L << 20;

    private TarEntries() {
    }

    /**
     * The contents of the entries of {@code tar} named in {@code wanted} (a leading {@code ./} ignored) that are
     * present; empty when {@code tar} is not a tar archive at all.
     */
    static Map<String, byte[]> read(Path tar, Set<String> wanted) throws IOException {
        Map<String, byte[]> found = new HashMap<>();
        try (InputStream in = open(tar)) {
            byte[] header = new byte[BLOCK];
            String longName = null;
            while (found.size() < wanted.size()) {
                if (in.readNBytes(header, 0, BLOCK) < BLOCK || isZero(header)) {
                    break;
                }
                if (!checksumMatches(header)) {
                    return found.isEmpty() ? Map.of() : found;
                }
                long size = size(header);
                char type = (char) header[156];
                String name = longName != null ? longName : name(header);
                longName = null;
                long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
                if (type == 'L' || type == 'x') {
                    byte[] data = readLimited(in, size);
                    in.skipNBytes(padded - size);
                    longName = type == 'L' ? cString(data) : paxPath(data);
                    continue;
                }
                String key = name.startsWith("./") ? name.substring(2) : name;
                if ((type == '0' || type == '\0') && wanted.contains(key)) {
                    found.put(key, readLimited(in, size));
                    in.skipNBytes(padded - size);
                } else {
                    in.skipNBytes(padded);
                }
            }
        } catch (java.io.EOFException e) {
            // a truncated archive: what was read so far is all there is
        }
        return found;
    }

    /** Whether {@code file} is gzip-compressed (as {@code docker save | gzip} makes it). */
    static boolean isGzip(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    /** Decompresses the gzip file {@code from} into {@code to}. */
    static void gunzip(Path from, Path to) throws IOException {
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(from), 1 << 16))) {
            Files.copy(in, to);
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return isGzip(file) ? new BufferedInputStream(new GZIPInputStream(in), 1 << 16) : in;
    }

    private static byte[] readLimited(InputStream in, long size) throws IOException {
        if (size > MAX_METADATA) {
            throw new IOException("entry of " + size + " bytes is too large for image metadata");
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length < size) {
            throw new java.io.EOFException();
        }
        return data;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean checksumMatches(byte[] header) {
        long expected;
        try {
            expected = Long.parseLong(cString(slice(header, 148, 8)).trim(), 8);
        } catch (NumberFormatException e) {
            return false;
        }
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
        }
        return sum == expected;
    }

    private static long size(byte[] header) {
        if ((header[124] & 0x80) != 0) {
            // GNU base-256 encoding for sizes of 8 GiB and more
            long value = 0;
            for (int i = 125; i < 136; i++) {
                value = (value << 8) | (header[i] & 0xff);
            }
            return value;
        }
        String octal = cString(slice(header, 124, 12)).trim();
        return octal.isEmpty() ? 0 : Long.parseLong(octal, 8);
    }

    private static String name(byte[] header) {
        String name = cString(slice(header, 0, 100));
        String magic = new String(header, 257, 5, StandardCharsets.US_ASCII);
        String prefix = magic.equals("ustar") ? cString(slice(header, 345, 155)) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String paxPath(byte[] data) {
        // records: "<length> <key>=<value>\n"
        String text = new String(data, StandardCharsets.UTF_8);
        for (String record : text.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) {
                return record.substring(space + 1 + "path=".length());
            }
        }
        return null;
    }

    private static byte[] slice(byte[] data, int from, int length) {
        byte[] out = new byte[length];
        System.arraycopy(data, from, out, 0, length);
        return out;
    }

    private static String cString(byte[] data) {
        int end = 0;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        return new String(data, 0, end, StandardCharsets.UTF_8);
    }
}
