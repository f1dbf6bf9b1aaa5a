package io.berth.node.pods;

import io.berth.node.runtime.ContainerRuntime;
import io.berth.node.runtime.RuntimeFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Rotates container logs as the kubelet does: once a running container's log has reached {@code maxSize}, it is
 * renamed to {@code <log>.<yyyyMMdd-HHmmss>} and the container's conmon reopens the log at its path; a container keeps
 * at most {@code maxFiles} files (the live one included), the oldest rotated ones go. Nothing is lost: conmon writes
 * to the renamed file until it reopens. Rotated files are not compressed. Thread safe.
 */
public final class LogRotation {

    private static final Logger log = LoggerFactory.getLogger(LogRotation.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final ContainerRuntime runtime;
    private final long maxSize;
    private final int maxFiles;
    private final Clock clock;

    /**
     * @param maxSize  a log's size at which it is rotated; 0 or less turns rotation off
     * @param maxFiles the files a container keeps, the live one included; at least 2
     */
    public LogRotation(ContainerRuntime runtime, long maxSize, int maxFiles, Clock clock) {
        if (maxSize > 0 && maxFiles < 2) {
            throw new IllegalArgumentException("a container must keep at least 2 log files, not " + maxFiles);
        }
        this.runtime = runtime;
        this.maxSize = maxSize;
        this.maxFiles = maxFiles;
        this.clock = clock;
    }

    /** Rotates the log of the running container {@code containerId} when it is due; true when it was rotated. */
    public boolean rotateIfDue(String containerId, Path logFile) {
        if (maxSize <= 0) {
            return false;
        }
        try {
            if (Files.size(logFile) < maxSize) {
                return false;
            }
            Path rotated = logFile.resolveSibling(logFile.getFileName() + "." + STAMP.format(clock.instant()));
            for (int n = 1; Files.exists(rotated); n++) {
                rotated = logFile.resolveSibling(logFile.getFileName() + "." + STAMP.format(clock.instant()) + "-" + n);
            }
            Files.move(logFile, rotated);
            runtime.reopenLog(containerId);
            prune(logFile);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException | RuntimeFailure e) {
            log.warn("rotating the log of container {} failed: {}", containerId, e.getMessage());
            return false;
        }
    }

    /** The rotated files of {@code logFile}, oldest first. */
    static List<Path> rotated(Path logFile) throws IOException {
        String prefix = logFile.getFileName() + ".";
        try (var files = Files.list(logFile.getParent())) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    private void prune(Path logFile) throws IOException {
        List<Path> rotated = rotated(logFile);
        for (int i = 0; i < rotated.size() - (maxFiles - 1); i++) {
            Files.deleteIfExists(rotated.get(i));
        }
    }
}
