package io.berth.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * One Berth service as a child JVM: started from its jar with arguments, output to a log file, ready when its
 * Actuator readiness probe answers 200 on the management port. Thread safe.
 */
final class ServiceProcess {

    private final String name;
    private final Path jar;
    private final List<String> jvmArgs;
    private final List<String> args;
    private final int port;
    private final int managementPort;
    private final Path log;
    private volatile Process process;

    ServiceProcess(String name, Path jar, List<String> jvmArgs, List<String> args, int port, int managementPort,
                   Path log) {
        this.name = name;
        this.jar = jar;
        this.jvmArgs = List.copyOf(jvmArgs);
        this.args = List.copyOf(args);
        this.port = port;
        this.managementPort = managementPort;
        this.log = log;
    }

    int port() {
        return port;
    }

    int managementPort() {
        return managementPort;
    }

    Path log() {
        return log;
    }

    /** The running process's id, or -1 when it is not running. */
    synchronized long pid() {
        Process p = process;
        return p != null && p.isAlive() ? p.pid() : -1;
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    void awaitReady(Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI readiness = URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness");
        try {
            // failFast: a process that exited will not become ready, and ignoreExceptions would wait out the timeout
            await().atMost(timeout).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .failFast(name + " exited", () -> {
                        Process p = process;
                        return p == null || !p.isAlive();
                    })
                    .until(() -> client.send(HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        } catch (RuntimeException e) {
            throw new IllegalStateException(name + " did not become ready within " + timeout + "; log tail:\n"
                    + tail(), e);
        }
    }

    synchronized void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroy();
        awaitExit(p);
    }

    /** SIGKILL, as a crash or an OOM kill would end it: no shutdown hooks run. Waits until the process is gone. */
    synchronized void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        awaitExit(p);
    }

    private void awaitExit(Process p) {
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        process = null;
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
