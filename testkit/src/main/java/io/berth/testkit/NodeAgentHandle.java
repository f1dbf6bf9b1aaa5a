package io.berth.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node agent process started by {@link ClusterHarness#startNodeAgent}: a real node, or with
 * {@code berth.node.simulate.count=N} a simulator standing in for N nodes. Ready when its Actuator readiness answers
 * 200 (in simulated mode: every node registered). It can be killed and started again with the same settings and
 * state directory, as a crashed kubelet restarts; {@link #close} stops it. Thread safe.
 */
public final class NodeAgentHandle implements AutoCloseable {

    private final String name;
    private final ServiceProcess process;
    private final Path stateDir;
    private final Duration readyTimeout;

    private NodeAgentHandle(String name, ServiceProcess process, Path stateDir, Duration readyTimeout) {
        this.name = name;
        this.process = process;
        this.stateDir = stateDir;
        this.readyTimeout = readyTimeout;
    }

    /**
     * The agent's command line: the cluster's PKI and gateway, its own ports and state directory, then
     * {@code properties}, which override any of these (each key is passed once: Spring joins repeated ones).
     */
    static NodeAgentHandle create(String name, Path jar, List<String> jvmArgs, Path pkiDir, String gatewayUrl,
                                  Path workDir, Map<String, String> properties, Duration readyTimeout) {
        Path stateDir = workDir.resolve("nodes").resolve(name);
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int[] ports = FreePorts.next(2);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("berth.pki.dir", pkiDir.toString());
        settings.put("berth.node.api-server", gatewayUrl);
        settings.put("berth.node.name", name);
        settings.put("berth.node.state-dir", stateDir.toString());
        settings.put("server.port", Integer.toString(ports[0]));
        settings.put("berth.node.port", Integer.toString(ports[0]));
        settings.put("management.server.port", Integer.toString(ports[1]));
        settings.putAll(properties);
        List<String> args = new ArrayList<>();
        settings.forEach((k, v) -> args.add("--" + k + "=" + v));
        ServiceProcess process = new ServiceProcess("node-agent " + name, jar, jvmArgs, args,
                Integer.parseInt(settings.get("server.port")), Integer.parseInt(settings.get("management.server.port")),
                workDir.resolve("node-agent-" + name + ".log"));
        return new NodeAgentHandle(name, process, stateDir, readyTimeout);
    }

    public String name() {
        return name;
    }

    /** Starts the process (if it is not running) and waits until it is ready. */
    public void start() {
        process.start();
        process.awaitReady(readyTimeout);
    }

    /** SIGKILL, as a crash: no shutdown hook runs. Returns once the process is gone. */
    public void kill() {
        process.kill();
    }

    /** SIGTERM, a graceful stop. Returns once the process is gone. */
    public void stop() {
        process.stop();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The process id while it runs, else -1 (for {@code /proc/<pid>/status}). */
    public long pid() {
        return process.pid();
    }

    /** The logs/exec endpoint's port ({@code server.port}, published as the kubelet endpoint). */
    public int port() {
        return process.port();
    }

    /** The Actuator port: {@code /actuator/health}, {@code /actuator/prometheus}. */
    public int managementPort() {
        return process.managementPort();
    }

    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort();
    }

    public Path stateDir() {
        return stateDir;
    }

    public Path logFile() {
        return process.log();
    }

    /** The last lines of its log, for a failure message. */
    public String logTail() {
        return process.tail();
    }

    @Override
    public void close() {
        process.stop();
    }
}
