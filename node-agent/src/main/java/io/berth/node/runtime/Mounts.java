package io.berth.node.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Mount table look-ups and unmounting, for the namespace pins and the pod's {@code /dev/shm}. Thread safe. */
final class Mounts {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private Mounts() {
    }

    /** True when something is mounted on {@code path} in the agent's mount namespace. */
    static boolean isMountPoint(Path path) {
        return mountPoints().contains(canonical(path));
    }

    /** Every mount point of the agent's mount namespace, as the mount table spells them: one read of the table. */
    static Set<String> mountPoints() {
        Set<String> points = new HashSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] fields = line.split(" ");
                if (fields.length > 4) {
                    points.add(PodCgroups.unescape(fields[4]));
                }
            }
            return points;
        } catch (IOException e) {
            throw new RuntimeFailure("cannot read the mount table: " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code path} holds a namespace bind-mounted onto it: its device is nsfs's, not its directory's. Two
     * stats, not a read of the whole mount table, so a pod's sync can ask every second.
     */
    static boolean isNamespacePin(Path path) {
        return hasOwnFilesystem(path);
    }

    /**
     * Whether another filesystem is mounted at {@code path} (a tmpfs, a namespace pin): its device differs from its
     * directory's. Two stats, where the mount table grows with every pod; a bind of the same filesystem does not
     * count, so this is for the agent's own tmpfs and nsfs mounts.
     */
    static boolean hasOwnFilesystem(Path path) {
        try {
            Object dev = Files.getAttribute(path, "unix:dev", LinkOption.NOFOLLOW_LINKS);
            return !dev.equals(Files.getAttribute(path.getParent(), "unix:dev"));
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException | UnsupportedOperationException e) {
            return isMountPoint(path);
        }
    }

    /** Unmounts everything stacked on {@code path}; nothing mounted is fine. */
    static void unmount(Path path) {
        for (int i = 0; i < 8 && isMountPoint(path); i++) {
            Commands.Result r = Commands.run(List.of("umount", canonical(path)), TIMEOUT);
            if (!r.ok() && isMountPoint(path)) {
                throw new RuntimeFailure("cannot unmount " + path + ": " + r.message());
            }
        }
    }

    /** The path as the mount table spells it: absolute, symlinks in its parent resolved. */
    static String canonical(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        try {
            return parent == null ? abs.toString() : parent.toRealPath().resolve(abs.getFileName()).toString();
        } catch (IOException e) {
            return abs.toString();
        }
    }

    /** Deletes a directory tree, refusing when anything in it is still mounted (a pin, the pod's shm). */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> paths = walk.sorted(Comparator.reverseOrder()).toList();
            Set<String> mounted = mountPoints();
            for (Path p : paths) {
                if (mounted.contains(canonical(p))) {
                    throw new RuntimeFailure("refusing to delete " + dir + ": " + p + " is still mounted");
                }
            }
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new RuntimeFailure("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }
}
