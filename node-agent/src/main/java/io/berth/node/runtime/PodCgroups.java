package io.berth.node.runtime;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Pod cgroups: {@code /<cgroupParent>/<nodeName>/pod<uid>} in every cgroup hierarchy mounted under
 * {@code /sys/fs/cgroup} (each v1 controller, the named systemd one and, on hybrid hosts, the unified one), the
 * same directories runc resolves an absolute {@code linux.cgroupsPath} to. Containers get
 * {@code <pod cgroup>/<container id>}, which runc creates and removes.
 *
 * <p>Keyed by cgroup parent and node name, so two agents on one machine never share a pod cgroup. Thread safe;
 * {@link #create} and {@link #remove} are idempotent.
 */
final class PodCgroups {

    private static final Path ROOT = Path.of("/sys/fs/cgroup");
    private static final Duration REMOVE_PATIENCE = Duration.ofSeconds(10);

    private final String parent;
    private final String nodeName;

    PodCgroups(String cgroupParent, String nodeName) {
        this.parent = strip(cgroupParent);
        this.nodeName = nodeName;
        if (parent.contains("..") || nodeName.contains("/") || nodeName.contains("..")) {
            throw new IllegalArgumentException("cgroup parent and node name must not climb out: " + cgroupParent
                    + ", " + nodeName);
        }
    }

    /** The node's cgroup, relative to each hierarchy's root: {@code /<parent>/<nodeName>}. */
    String nodePath() {
        return "/" + parent + "/" + nodeName;
    }

    /** The pod's cgroup, relative to each hierarchy's root. */
    String path(String podUid) {
        return nodePath() + "/pod" + podUid;
    }

    /** Creates the pod's directory in every hierarchy (a cpuset one inherits its parent's cpus and mems). */
    void create(String podUid) {
        for (Path hierarchy : hierarchies()) {
            Path dir = resolve(hierarchy, path(podUid));
            try {
                Files.createDirectories(dir);
                if (Files.exists(hierarchy.resolve("cpuset.cpus"))) {
                    inheritCpuset(hierarchy, dir);
                }
            } catch (IOException e) {
                throw new RuntimeFailure("cannot create the pod cgroup " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    /** The pod cgroup's {@code cgroup.procs} files: writing a pid into each moves that process into the pod. */
    List<Path> procsFiles(String podUid) {
        return hierarchies().stream().map(h -> resolve(h, path(podUid)).resolve("cgroup.procs")).toList();
    }

    /** The pod cgroup's directory in the hierarchy of controller {@code name} (e.g. {@code memory}), if mounted. */
    Path dir(String controller, String relativePath) {
        return resolve(ROOT.resolve(controller), relativePath);
    }

    boolean exists(String podUid) {
        return hierarchies().stream().anyMatch(h -> Files.isDirectory(resolve(h, path(podUid))));
    }

    /**
     * Removes the pod's directories with anything left below them. A cgroup that still holds processes cannot be
     * removed; exiting ones get a few seconds, then this fails naming the cgroup.
     */
    void remove(String podUid) {
        Instant deadline = Instant.now().plus(REMOVE_PATIENCE);
        for (Path hierarchy : hierarchies()) {
            Path dir = resolve(hierarchy, path(podUid));
            while (true) {
                try {
                    removeTree(dir);
                    break;
                } catch (IOException e) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new RuntimeFailure("cannot remove the pod cgroup " + dir
                                + " (processes left in it?): " + e.getMessage(), e);
                    }
                    pause();
                }
            }
        }
    }

    /** Removes the node's cgroup when no pod is left in it (tests and decommissioning). */
    void removeNodeIfEmpty() {
        for (Path hierarchy : hierarchies()) {
            for (Path dir = resolve(hierarchy, nodePath()); dir.startsWith(hierarchy) && !dir.equals(hierarchy);
                 dir = dir.getParent()) {
                try {
                    Files.deleteIfExists(dir);
                } catch (IOException e) {
                    break; // still used: by another pod, or by another node under the same parent
                }
            }
        }
    }

    /** The cgroup hierarchies runc uses: every cgroup mount directly under, or at, {@code /sys/fs/cgroup}. */
    static List<Path> hierarchies() {
        Hierarchies last = hierarchies;
        long now = System.nanoTime();
        if (last != null && now - last.readAt() < HIERARCHIES_TTL.toNanos()) {
            return last.paths();
        }
        List<Path> read = readHierarchies();
        hierarchies = new Hierarchies(read, now);
        return read;
    }

    /**
     * How long the cgroup hierarchies read from the mount table are used: they do not change while a node runs, and
     * the table grows with every pod (several reads per pod start cost more than the rest of its cgroup work).
     */
    private static final Duration HIERARCHIES_TTL = Duration.ofSeconds(30);
    private static volatile Hierarchies hierarchies;

    private record Hierarchies(List<Path> paths, long readAt) {
    }

    private static List<Path> readHierarchies() {
        Set<Path> result = new LinkedHashSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                int dash = line.indexOf(" - ");
                if (dash < 0) {
                    continue;
                }
                String[] before = line.substring(0, dash).split(" ");
                String[] after = line.substring(dash + 3).split(" ");
                if (before.length < 5 || !(after[0].equals("cgroup") || after[0].equals("cgroup2"))) {
                    continue;
                }
                Path mountPoint = Path.of(unescape(before[4]));
                if (mountPoint.equals(ROOT) || ROOT.equals(mountPoint.getParent())) {
                    result.add(mountPoint);
                }
            }
        } catch (IOException e) {
            throw new RuntimeFailure("cannot read the mount table: " + e.getMessage(), e);
        }
        return List.copyOf(result);
    }

    private static Path resolve(Path hierarchy, String relative) {
        return hierarchy.resolve(strip(relative));
    }

    private static void inheritCpuset(Path hierarchy, Path dir) throws IOException {
        List<Path> chain = new ArrayList<>();
        for (Path d = dir; !d.equals(hierarchy); d = d.getParent()) {
            chain.add(0, d);
        }
        for (Path d : chain) {
            for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
                Path own = d.resolve(file);
                if (Files.readString(own).isBlank()) {
                    Files.writeString(own, Files.readString(d.getParent().resolve(file)).strip());
                }
            }
        }
    }

    private static void removeTree(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> dirs;
        try (Stream<Path> walk = Files.walk(dir)) {
            dirs = walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
        } catch (NoSuchFileException gone) {
            return;
        }
        for (Path d : dirs) {
            try {
                Files.deleteIfExists(d);
            } catch (DirectoryNotEmptyException e) {
                throw new IOException("busy", e);
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeFailure("interrupted while removing a pod cgroup");
        }
    }

    private static String strip(String path) {
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    static String unescape(String mountInfoField) {
        return mountInfoField.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n")
                .replace("\\134", "\\");
    }
}
