package io.berth.node.runtime;

import io.berth.apimachinery.json.Json;
import tools.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates containers under conmon, as CRI-O does: conmon forks itself into a daemon (its own session, stdio on
 * {@code /dev/null}), runs {@code runc create}, writes the CRI-format log and, when the container exits, its exit
 * code into {@code <exitDir>/<id>}. Nothing ties conmon to the agent's JVM, so containers outlive the agent.
 *
 * <p>conmon reports the result of {@code runc create} on its sync pipe ({@code _OCI_SYNCPIPE}): the container's pid,
 * or -1 and runc's error. Java cannot hand a child an extra file descriptor, so the pipe is a FIFO in the bundle that
 * a shell opens as fd 3 before it executes conmon; the agent reads one line from it. conmon writes to it only once
 * for a created container, so a later agent crash cannot hurt conmon (no write to a pipe nobody reads).
 *
 * <p>Thread safe; one call per container id at a time.
 */
final class Conmon {

    static final String CONMON_PID = "conmon.pid";
    static final String CONTAINER_PID = "container.pid";
    static final String CONMON_LOG = "conmon.log";
    private static final String SYNC_FIFO = "sync";
    private static final String CONTROL_FIFO = "ctl";
    private static final String REOPEN_LOGS = "2 0 0\n";
    private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(60);

    private final Path binary;
    private final Runc runc;
    private final Path exitDir;
    private final Path socketDir;

    Conmon(Path binary, Runc runc, Path exitDir, Path socketDir) {
        this.binary = binary;
        this.runc = runc;
        this.exitDir = exitDir;
        this.socketDir = socketDir;
    }

    Path exitFile(String id) {
        return exitDir.resolve(id);
    }

    /** The command line conmon is started with for container {@code id} (bundle = its directory). */
    List<String> argv(String id, Path bundle, Path logPath) {
        List<String> argv = new ArrayList<>(List.of(binary.toString(),
                "--api-version", "1",
                "--bundle", bundle.toString(),
                "--cid", id,
                "--cuuid", id,
                "--name", id,
                "--runtime", runc.binary().toString(),
                "--runtime-arg", "--root=" + runc.root(),
                "--socket-dir-path", socketDir.toString(),
                "--log-path", "k8s-file:" + logPath,
                "--exit-dir", exitDir.toString(),
                "--conmon-pidfile", bundle.resolve(CONMON_PID).toString(),
                "--container-pidfile", bundle.resolve(CONTAINER_PID).toString()));
        // no --log-size-max: conmon would truncate the log; the agent rotates it instead (see reopenLog)
        return argv;
    }

    /**
     * Asks the container's conmon to reopen its log file, as CRI-O's ReopenContainerLog does: the message
     * {@code "2 0 0"} (reopen logs) on the control FIFO conmon keeps in the bundle. Opened read-write, the FIFO never
     * blocks, even when conmon is gone.
     */
    void reopenLog(String id, Path bundle) {
        Path ctl = bundle.resolve(CONTROL_FIFO);
        if (!Files.exists(ctl) || process(bundle).isEmpty()) {
            throw new RuntimeFailure("container " + id + " has no conmon to reopen its log");
        }
        try (RandomAccessFile out = new RandomAccessFile(ctl.toFile(), "rw")) {
            out.write(REOPEN_LOGS.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new RuntimeFailure("cannot ask conmon to reopen the log of container " + id + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code runc create} for the bundle under a new conmon and returns the container's pid; the container is
     * created, not started. On failure the container is gone and the exception carries runc's message.
     */
    long create(String id, Path bundle, Path logPath) {
        Path fifo = bundle.resolve(SYNC_FIFO);
        try {
            Files.createDirectories(exitDir);
            Files.createDirectories(socketDir);
            Files.deleteIfExists(fifo);
            Files.deleteIfExists(exitFile(id));
        } catch (IOException e) {
            throw new RuntimeFailure("cannot prepare conmon's directories: " + e.getMessage(), e);
        }
        Commands.check("create conmon's sync pipe", List.of("mkfifo", "-m", "0600", fifo.toString()),
                Duration.ofSeconds(10));
        CompletableFuture<String> report = readLine(fifo);
        List<String> argv = new ArrayList<>(List.of("sh", "-c", "exec 3>\"$BERTH_SYNC_FIFO\" && exec \"$@\"", "sh"));
        argv.addAll(argv(id, bundle, logPath));
        ProcessBuilder pb = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(bundle.resolve(CONMON_LOG).toFile()))
                .redirectErrorStream(true);
        Commands.configure(pb, bundle, Map.of("_OCI_SYNCPIPE", "3", "BERTH_SYNC_FIFO", fifo.toString()));
        Process parent;
        try {
            parent = pb.start();
        } catch (IOException e) {
            report.cancel(true);
            wake(fifo);
            throw new RuntimeFailure("cannot start conmon: " + e.getMessage(), e);
        }
        String line;
        try {
            line = report.get(CREATE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            wake(fifo);
            kill(bundle);
            runc.delete(id, true);
            throw new RuntimeFailure("creating container " + id + " did not finish within "
                    + CREATE_TIMEOUT.toSeconds() + "s");
        } catch (ExecutionException e) {
            throw new RuntimeFailure("cannot read conmon's report for container " + id + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            wake(fifo);
            throw new RuntimeFailure("interrupted while creating container " + id);
        } finally {
            deleteQuietly(fifo);
        }
        try {
            // conmon's first process exits right after forking its daemon
            parent.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (line == null) {
            throw new RuntimeFailure("conmon exited before creating container " + id + ": " + conmonLog(bundle));
        }
        JsonNode message = Json.mapper().readTree(line);
        JsonNode data = message.has("data") ? message.get("data") : message.get("pid");
        long pid = data == null ? -1 : data.asLong(-1);
        if (pid <= 0) {
            String why = message.has("message") ? Runc.message(message.get("message").asString()) : conmonLog(bundle);
            throw new RuntimeFailure("cannot create container " + id + ": " + why);
        }
        return pid;
    }

    /** conmon's pid for the container whose bundle is {@code bundle}, when that conmon still runs. */
    static Optional<ProcessHandle> process(Path bundle) {
        try {
            long pid = Long.parseLong(Files.readString(bundle.resolve(CONMON_PID)).strip());
            return ProcessHandle.of(pid).filter(h -> h.info().command().map(c -> c.endsWith("conmon")).orElse(true));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void kill(Path bundle) {
        process(bundle).ifPresent(ProcessHandle::destroyForcibly);
    }

    private static CompletableFuture<String> readLine(Path fifo) {
        CompletableFuture<String> line = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            // opening blocks until conmon's shell opens the writing end
            try (BufferedReader r = new BufferedReader(new InputStreamReader(new FileInputStream(fifo.toFile()),
                    StandardCharsets.UTF_8))) {
                line.complete(r.readLine());
            } catch (IOException | RuntimeException e) {
                line.completeExceptionally(e);
            }
        }, "berth-conmon-sync");
        t.setDaemon(true);
        t.start();
        return line;
    }

    /**
     * Unblocks the reader (waiting to open or to read) with a failure report of our own. Opened read-write, a FIFO
     * never blocks the opener (Linux), so this cannot hang when the reader is gone already.
     */
    private static void wake(Path fifo) {
        try (RandomAccessFile out = new RandomAccessFile(fifo.toFile(), "rw")) {
            out.write("{\"data\": -1, \"message\": \"abandoned\"}\n".getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
            // the FIFO is gone: so is the reader
        }
    }

    private static String conmonLog(Path bundle) {
        try {
            String log = Files.readString(bundle.resolve(CONMON_LOG)).strip();
            return log.isEmpty() ? "no message" : log;
        } catch (IOException e) {
            return "no message";
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a stale FIFO is replaced on the next create
        }
    }
}
