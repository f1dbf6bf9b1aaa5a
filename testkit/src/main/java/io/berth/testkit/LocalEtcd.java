package io.berth.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** etcd from a binary on this machine, in a temporary folder that holds its data and its log. */
final class LocalEtcd implements EtcdRuntime {

    private static final int LOG_TAIL_LINES = 40;
    private static final long STOP_GRACE_SECONDS = 10;

    private final Path binary;
    private final Path pkiDir;
    private final int clientPort;
    private final int peerPort;
    private final Path workDir;
    private final Path dataDir;
    private final Path log;
    private Process process;

    LocalEtcd(Path binary, Path pkiDir, int clientPort, int peerPort) {
        this.binary = binary;
        this.pkiDir = pkiDir.toAbsolutePath();
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        try {
            this.workDir = Files.createTempDirectory("berth-etcd-");
            // etcd insists on a data folder only its owner can read.
            this.dataDir = Files.createDirectory(workDir.resolve("data"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for etcd", e);
        }
        this.log = workDir.resolve("etcd.log");
    }

    /** The first executable {@code etcd} in the folders of {@code path} (a PATH-style list). */
    static Optional<Path> findBinary(String path) {
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "etcd"))
                .filter(Files::isRegularFile)
                .filter(Files::isExecutable)
                .findFirst();
    }

    @Override
    public void start() {
        String client = "https://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(EtcdRuntime.flags(pkiDir.toString(), dataDir.toString(), client, client, peer, peer));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + binary, e);
        }
    }

    @Override
    public String endpoint() {
        return "https://127.0.0.1:" + clientPort;
    }

    @Override
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public String logTail() {
        try {
            if (!Files.exists(log)) {
                return "";
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
        TempFiles.deleteQuietly(workDir);
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public String toString() {
        return "etcd " + binary + " at " + endpoint() + " (data " + dataDir + ")";
    }
}
