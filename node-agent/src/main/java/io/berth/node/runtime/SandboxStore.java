package io.berth.node.runtime;

import io.berth.apimachinery.json.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The sandboxes this runtime created, one {@code sandbox.json} per pod under {@code <dir>/<pod uid>/}, so that
 * {@link ContainerRuntime#listSandboxes()} answers after an agent restart. Written last when a sandbox is created
 * (a record means the sandbox is complete) and removed last when it is torn down. Thread safe.
 */
final class SandboxStore {

    static final String FILE = "sandbox.json";

    private final Path dir;

    SandboxStore(Path dir) {
        this.dir = dir;
    }

    /**
     * What is kept of a sandbox: its config and the resulting {@link Sandbox}, plus the pod's {@code /dev/shm}.
     * Paths are strings so the file reads the same whatever the JSON mapper does with {@link Path}.
     */
    record Entry(String podUid, String namespace, String name, String hostname, boolean hostNetwork,
                 boolean shareProcessNamespace, String ip, String netns, String ipcns, String utsns, String pidns,
                 String cgroupsPath, String shm, String createdAt) {

        static Entry of(SandboxConfig config, Sandbox sandbox, Path shm, String createdAt) {
            return new Entry(config.podUid(), config.namespace(), config.name(), config.hostname(),
                    config.hostNetwork(), config.shareProcessNamespace(), sandbox.ip(), str(sandbox.netns()),
                    str(sandbox.ipcns()), str(sandbox.utsns()), str(sandbox.pidns()), sandbox.cgroupsPath(),
                    str(shm), createdAt);
        }

        Sandbox sandbox() {
            return new Sandbox(podUid, ip, path(netns), path(ipcns), path(utsns), path(pidns), cgroupsPath);
        }

        Path shmPath() {
            return path(shm);
        }

        private static String str(Path p) {
            return p == null ? null : p.toString();
        }

        private static Path path(String s) {
            return s == null ? null : Path.of(s);
        }
    }

    Path dir(String podUid) {
        return dir.resolve(podUid);
    }

    Optional<Entry> read(String podUid) {
        try {
            return Optional.of(Json.read(Files.readAllBytes(dir(podUid).resolve(FILE)), Entry.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            throw new RuntimeFailure("cannot read the sandbox record of pod " + podUid + ": " + e.getMessage(), e);
        }
    }

    void write(Entry entry) {
        Path file = dir(entry.podUid()).resolve(FILE);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".sandbox-", ".tmp");
            Files.write(tmp, Json.write(entry));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new RuntimeFailure("cannot record the sandbox of pod " + entry.podUid() + ": " + e.getMessage(), e);
        }
    }

    void delete(String podUid) {
        try {
            Files.deleteIfExists(dir(podUid).resolve(FILE));
        } catch (IOException e) {
            throw new RuntimeFailure("cannot delete the sandbox record of pod " + podUid + ": " + e.getMessage(), e);
        }
    }

    List<Entry> list() {
        List<Entry> result = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return result;
        }
        try (Stream<Path> pods = Files.list(dir)) {
            for (Path pod : pods.sorted().toList()) {
                if (Files.exists(pod.resolve(FILE))) {
                    read(pod.getFileName().toString()).ifPresent(result::add);
                }
            }
        } catch (IOException e) {
            throw new RuntimeFailure("cannot list the sandboxes in " + dir + ": " + e.getMessage(), e);
        }
        return result;
    }
}
