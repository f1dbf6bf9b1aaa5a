package io.berth.node.runtime;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The namespaces a pod's containers share, pinned to files in the sandbox's directory so they exist without a
 * process, as CRI-O's {@code pinns} does: IPC and UTS (host name set) are bind mounts made by
 * {@code unshare --ipc=<file> --uts=<file>}; the pod's {@code /dev/shm} is a tmpfs of its own.
 *
 * <p>A shared PID namespace cannot be pinned that way: once its first process (its PID 1) exits, the kernel lets no
 * process enter it again. So a pod with {@code shareProcessNamespace} gets a pause process, started as
 * {@code unshare --pid=<file> --fork sh -c '<loop>'} in its own session and in the pod's cgroup: a shell that
 * waits forever on a sleeping child. As PID 1 it adopts the pod's orphans, and its {@code wait} reaps them (as the
 * Kubernetes pause container does). A shell rather than an infra container because it needs no image, no bundle and
 * no conmon, and it outlives the agent just the same.
 *
 * <p>Thread safe for different pods; calls for one pod must not overlap (the runtime serializes them). Both
 * {@link #create} and {@link #remove} are idempotent.
 */
final class PodNamespaces {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,62})?");
    private static final String PAUSE_LOOP = "trap 'exit 0' TERM; while :; do sleep 2147483647 & wait; done";

    /** The pinned namespaces of a pod; {@code pid} is null unless the pod shares one PID namespace. */
    record Pins(Path ipc, Path uts, Path pid, Path shm) {
    }

    /** The pins' locations for a pod whose sandbox directory is {@code dir}. */
    static Pins layout(Path dir, boolean sharePid) {
        Path ns = dir.resolve("ns");
        return new Pins(ns.resolve("ipc"), ns.resolve("uts"), sharePid ? ns.resolve("pid") : null, dir.resolve("shm"));
    }

    /** Creates what is missing of the pod's pins. {@code cgroupProcs}: where the pause process is moved. */
    Pins create(Path dir, String hostname, boolean sharePid, List<Path> cgroupProcs) {
        if (!HOSTNAME.matcher(hostname).matches()) {
            throw new RuntimeFailure("invalid pod host name " + hostname);
        }
        Pins pins = layout(dir, sharePid);
        try {
            Files.createDirectories(pins.ipc().getParent());
            Files.createDirectories(pins.shm());
        } catch (IOException e) {
            throw new RuntimeFailure("cannot create the sandbox directory " + dir + ": " + e.getMessage(), e);
        }
        if (!Mounts.isNamespacePin(pins.ipc()) || !Mounts.isNamespacePin(pins.uts())) {
            // a pin file that does not exist yet (a new pod) cannot have anything mounted on it
            unmountIfPresent(pins.ipc());
            unmountIfPresent(pins.uts());
            touch(pins.ipc());
            touch(pins.uts());
            Commands.check("create the pod's IPC and UTS namespaces", List.of("unshare",
                    "--ipc=" + pins.ipc(), "--uts=" + pins.uts(),
                    "sh", "-c", "printf %s \"$1\" > /proc/sys/kernel/hostname", "sh", hostname), TIMEOUT);
        }
        if (!Mounts.hasOwnFilesystem(pins.shm())) {
            Commands.check("mount the pod's /dev/shm", List.of("mount", "-t", "tmpfs",
                    "-o", "nosuid,noexec,nodev,mode=1777,size=65536k", "shm", pins.shm().toString()), TIMEOUT);
        }
        if (sharePid && pause(pins.pid()).isEmpty()) {
            Mounts.unmount(pins.pid());
            touch(pins.pid());
            startPause(pins.pid(), cgroupProcs);
        }
        return pins;
    }

    private static void unmountIfPresent(Path pin) {
        if (Files.exists(pin, LinkOption.NOFOLLOW_LINKS)) {
            Mounts.unmount(pin);
        }
    }

    /** Kills the pause process (and so every process in a shared PID namespace) and unmounts every pin. */
    void remove(Path dir) {
        Pins pins = layout(dir, true);
        pause(pins.pid()).ifPresent(p -> {
            p.destroyForcibly();
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new RuntimeFailure("the pod's pause process " + p.pid() + " did not exit");
            }
        });
        for (Path pin : List.of(pins.pid(), pins.ipc(), pins.uts(), pins.shm())) {
            Mounts.unmount(pin);
        }
    }

    /** The PID 1 of the PID namespace pinned at {@code pin}, if it lives. */
    static Optional<ProcessHandle> pause(Path pin) {
        if (pin == null || !Files.exists(pin) || !Mounts.isNamespacePin(pin)) {
            return Optional.empty();
        }
        long inode;
        try {
            inode = ((Number) Files.getAttribute(pin, "unix:ino")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
        String link = "pid:[" + inode + "]";
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> link.equals(readLink(p.resolve("ns/pid"))))
                    .filter(PodNamespaces::isNamespaceInit)
                    .findFirst()
                    .flatMap(p -> ProcessHandle.of(Long.parseLong(p.getFileName().toString())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void startPause(Path pin, List<Path> cgroupProcs) {
        List<String> argv = new ArrayList<>(List.of("setsid", "sh", "-c",
                "for f in \"$@\"; do echo $$ > \"$f\" 2>/dev/null || :; done; "
                        + "exec unshare --pid=\"$BERTH_PIDNS\" --fork sh -c \"$BERTH_PAUSE\"", "sh"));
        cgroupProcs.forEach(p -> argv.add(p.toString()));
        ProcessBuilder pb = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        Commands.configure(pb, null, Map.of("BERTH_PIDNS", pin.toString(), "BERTH_PAUSE", PAUSE_LOOP));
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new RuntimeFailure("cannot start the pod's pause process: " + e.getMessage(), e);
        }
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (pause(pin).isEmpty()) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                process.destroyForcibly();
                throw new RuntimeFailure("the pod's pause process did not start (shared PID namespace)");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new RuntimeFailure("interrupted while starting the pod's pause process");
            }
        }
    }

    private static boolean isNamespaceInit(Path proc) {
        try {
            for (String line : Files.readAllLines(proc.resolve("status"))) {
                if (line.startsWith("NSpid:")) {
                    String[] ids = line.substring(6).strip().split("\\s+");
                    return ids.length > 1 && ids[ids.length - 1].equals("1");
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process exited while we looked
        }
        return false;
    }

    private static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static void touch(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
        } catch (IOException e) {
            throw new RuntimeFailure("cannot create " + file + ": " + e.getMessage(), e);
        }
    }
}
