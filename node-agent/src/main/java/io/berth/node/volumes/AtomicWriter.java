package io.berth.node.volumes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes' AtomicWriter for configMap, secret, downwardAPI and projected volumes: each version of the payload is
 * written into a fresh hidden directory {@code ..<n>}, then the {@code ..data} symlink is swapped to it with one
 * rename, and every top-level name is a symlink through {@code ..data}. A process in the container therefore sees the
 * old set of files or the new one, never a mix. Not thread safe per directory (one pod worker owns a volume).
 */
public final class AtomicWriter {

    private static final String DATA = "..data";

    private AtomicWriter() {
    }

    /** A file to write: its bytes and its mode (e.g. 0644). */
    public record Payload(byte[] content, int mode) {
    }

    /** Writes {@code files} (relative paths → payload) into {@code dir}; returns false when nothing changed. */
    public static boolean write(Path dir, Map<String, Payload> files) {
        try {
            Files.createDirectories(dir);
            if (same(dir, files)) {
                return false;
            }
            Path version = Files.createTempDirectory(dir, "..");
            for (Map.Entry<String, Payload> e : files.entrySet()) {
                Path target = version.resolve(e.getKey()).normalize();
                if (!target.startsWith(version)) {
                    throw new IllegalArgumentException("path " + e.getKey() + " leaves the volume");
                }
                Files.createDirectories(target.getParent());
                Files.write(target, e.getValue().content());
                Files.setPosixFilePermissions(target, permissions(e.getValue().mode()));
            }
            Files.setPosixFilePermissions(version, permissions(0755));
            Path link = dir.resolve("..data_tmp");
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, version.getFileName());
            Path old = Files.isSymbolicLink(dir.resolve(DATA)) ? Files.readSymbolicLink(dir.resolve(DATA)) : null;
            try {
                Files.move(link, dir.resolve(DATA), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException ex) {
                Files.move(link, dir.resolve(DATA), StandardCopyOption.REPLACE_EXISTING);
            }
            Set<String> top = new HashSet<>();
            for (String name : files.keySet()) {
                top.add(name.split("/", 2)[0]);
            }
            for (String name : top) {
                Path l = dir.resolve(name);
                if (!Files.isSymbolicLink(l)) {
                    Files.deleteIfExists(l);
                    Files.createSymbolicLink(l, Path.of(DATA, name));
                }
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path p : entries) {
                    String n = p.getFileName().toString();
                    if (!n.startsWith("..") && !top.contains(n)) {
                        Files.deleteIfExists(p);
                    }
                }
            }
            if (old != null) {
                Volumes.deleteTree(dir.resolve(old));
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("writing volume files into " + dir + " failed", e);
        }
    }

    private static boolean same(Path dir, Map<String, Payload> files) throws IOException {
        Path data = dir.resolve(DATA);
        if (!Files.isSymbolicLink(data)) {
            return false;
        }
        Path current = dir.resolve(Files.readSymbolicLink(data));
        int count;
        try (var walk = Files.walk(current)) {
            count = (int) walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).count();
        }
        if (count != files.size()) {
            return false;
        }
        for (Map.Entry<String, Payload> e : files.entrySet()) {
            Path f = current.resolve(e.getKey());
            if (!Files.isRegularFile(f) || !java.util.Arrays.equals(Files.readAllBytes(f), e.getValue().content())
                    || !Files.getPosixFilePermissions(f).equals(permissions(e.getValue().mode()))) {
                return false;
            }
        }
        return true;
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = new HashSet<>();
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(order[i]);
            }
        }
        return s;
    }
}
