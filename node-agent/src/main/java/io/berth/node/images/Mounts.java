package io.berth.node.images;

import io.berth.node.runtime.RuntimeFailure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The mount table of the agent's mount namespace, and the overlay mounts the store makes in it. */
final class Mounts {

    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Mounts() {
    }

    /** Every mount point now, decoded ({@code /proc/self/mountinfo} escapes spaces and the like as octal). */
    static List<Path> mountPoints() {
        List<String> lines;
        try {
            lines = Files.readAllLines(MOUNTINFO);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Path> points = new ArrayList<>(lines.size());
        for (String line : lines) {
            String[] fields = line.split(" ");
            if (fields.length > 4) {
                points.add(Path.of(unescape(fields[4])));
            }
        }
        return points;
    }

    static boolean isMountPoint(Path path) {
        return mountPoints().contains(path.toAbsolutePath().normalize());
    }

    /** Mount points at or under {@code dir}. */
    static List<Path> mountsUnder(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        return mountPoints().stream().filter(p -> p.startsWith(root)).toList();
    }

    static void mountOverlay(Path lower, Path upper, Path work, Path target) {
        String options = "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work;
        Exec.check("mounting the overlay at " + target + " failed",
                List.of("mount", "-t", "overlay", "overlay", "-o", options, target.toString()), TIMEOUT);
    }

    /**
     * Unmounts {@code target}; when it is busy (a process still has a file open in it), detaches it lazily, so the
     * kernel frees it once the last user is gone and the directory can be deleted now.
     */
    static void unmount(Path target) {
        Exec.Result result = Exec.run(List.of("umount", target.toString()), TIMEOUT);
        if (result.exitCode() != 0 && isMountPoint(target)) {
            Exec.check("unmounting " + target + " failed", List.of("umount", "-l", target.toString()), TIMEOUT);
        }
    }

    private static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }
}
