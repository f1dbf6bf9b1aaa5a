package io.berth.node.runtime;

import io.berth.apimachinery.json.Json;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns what runc says about a container into a {@link ContainerState}, adding what only conmon and the agent know:
 * the exit code and time from conmon's exit file, the start time the agent recorded when {@code runc start}
 * returned. Everything is read from disk, so a restarted agent sees the same. Thread safe.
 */
final class ContainerStates {

    static final String STARTED = "started";
    static final String OOM = "oom";
    /** How long a stopped container's exit file may lag behind runc's "stopped" while its conmon still runs. */
    private static final Duration EXIT_FILE_LAG = Duration.ofSeconds(2);

    private final Path containersDir;
    private final Conmon conmon;

    ContainerStates(Path containersDir, Conmon conmon) {
        this.containersDir = containersDir;
        this.conmon = conmon;
    }

    Path bundle(String id) {
        return containersDir.resolve(id);
    }

    /**
     * The containers whose bundles name {@code podUid}'s sandbox. Read from the bundles, not from {@code runc list},
     * which fails while another container is being deleted.
     */
    List<String> inSandbox(String podUid) {
        List<String> ids = new ArrayList<>();
        try (var dirs = Files.list(containersDir)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                String id = dir.getFileName().toString();
                if (podUid.equals(bundleAnnotations(id).path(OciSpec.SANDBOX_ANNOTATION).asString(null))) {
                    ids.add(id);
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new RuntimeFailure("cannot list the container bundles in " + containersDir + ": " + e.getMessage(), e);
        }
        return ids;
    }

    /** The state of the container runc describes in {@code runcState} (from {@code runc state} or {@code list}). */
    ContainerState from(JsonNode runcState) {
        String id = runcState.path("id").asString();
        String status = switch (runcState.path("status").asString("")) {
            case "created", "running", "stopped" -> runcState.path("status").asString();
            case "paused", "pausing" -> "running";
            default -> "unknown";
        };
        long pid = "running".equals(status) || "created".equals(status) ? runcState.path("pid").asLong(0) : 0;
        Integer exitCode = null;
        Instant finishedAt = null;
        if ("stopped".equals(status)) {
            Path exitFile = awaitExitFile(id);
            exitCode = readExitCode(exitFile);
            finishedAt = exitCode == null ? null : modified(exitFile);
        }
        Instant startedAt = readInstant(bundle(id).resolve(STARTED))
                .orElse("running".equals(status) ? parse(runcState.path("created").asString(null)) : null);
        if (finishedAt != null && startedAt != null && finishedAt.isBefore(startedAt)) {
            // the exit file's time comes from the kernel's coarse clock (a tick behind at worst)
            finishedAt = startedAt;
        }
        // conmon creates "oom" in the bundle (its working directory) when the memory cgroup reports an OOM kill
        boolean oomKilled = "stopped".equals(status) && Files.exists(bundle(id).resolve(OOM));
        return new ContainerState(id, status, pid, exitCode, startedAt, finishedAt, labels(id, runcState), oomKilled);
    }

    void recordStart(String id, Instant when) {
        try {
            Files.writeString(bundle(id).resolve(STARTED), when.toString());
        } catch (IOException e) {
            throw new RuntimeFailure("cannot record the start of container " + id + ": " + e.getMessage(), e);
        }
    }

    private Path awaitExitFile(String id) {
        Path exitFile = conmon.exitFile(id);
        Instant deadline = Instant.now().plus(EXIT_FILE_LAG);
        // runc reports "stopped" as soon as the process is gone; conmon writes the exit file a moment later
        while (!Files.exists(exitFile) && Instant.now().isBefore(deadline)
                && Conmon.process(bundle(id)).map(ProcessHandle::isAlive).orElse(false)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return exitFile;
    }

    private Map<String, String> labels(String id, JsonNode runcState) {
        JsonNode annotations = runcState.path("annotations");
        if (!annotations.isObject()) {
            annotations = bundleAnnotations(id);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        annotations.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
        return Map.copyOf(labels);
    }

    private JsonNode bundleAnnotations(String id) {
        try {
            return Json.tree(Files.readAllBytes(bundle(id).resolve("config.json"))).path("annotations");
        } catch (IOException | RuntimeException e) {
            return Json.object();
        }
    }

    private static Integer readExitCode(Path exitFile) {
        try {
            return Integer.parseInt(Files.readString(exitFile).strip());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return null;
        }
    }

    private static Optional<Instant> readInstant(Path file) {
        try {
            return Optional.ofNullable(parse(Files.readString(file).strip()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Instant parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
