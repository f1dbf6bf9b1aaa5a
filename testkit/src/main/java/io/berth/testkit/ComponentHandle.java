package io.berth.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A control-plane API client (scheduler or controller manager) started by {@link ClusterHarness}: one JVM
 * authenticated through the gateway with its own token, its Actuator on its one port. {@link #kill()} is a crash;
 * {@link #close} a graceful stop, which releases its Lease if it held it. Thread safe.
 */
public abstract class ComponentHandle implements AutoCloseable {

    private final String name;
    private final ServiceProcess process;

    ComponentHandle(String name, ServiceProcess process) {
        this.name = name;
        this.process = process;
    }

    /**
     * The process of component {@code kind} ({@code scheduler}, {@code controller}) with its settings under
     * {@code berth.<kind>.*}: the gateway, its token file, its Lease holder identity {@code name}, a free port, then
     * {@code properties}, which may override any of them.
     */
    static ServiceProcess process(String kind, String name, Path jar, List<String> jvmArgs, Path pkiDir,
                                  String gatewayUrl, Path tokenFile, Path workDir, Map<String, String> properties) {
        int port = FreePorts.next(1)[0];
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("berth.pki.dir", pkiDir.toString());
        settings.put("berth." + kind + ".api-server", gatewayUrl);
        settings.put("berth." + kind + ".token-file", tokenFile.toString());
        settings.put("berth." + kind + ".leader-election.identity", name);
        settings.put("server.port", Integer.toString(port));
        settings.putAll(properties);
        List<String> args = new ArrayList<>();
        settings.forEach((k, v) -> args.add("--" + k + "=" + v));
        int actuator = Integer.parseInt(settings.get("server.port"));
        return new ServiceProcess(kind + " " + name, jar, jvmArgs, args, actuator, actuator,
                workDir.resolve(kind + "-" + name + ".log"));
    }

    public String name() {
        return name;
    }

    void start(java.time.Duration timeout) {
        process.start();
        process.awaitReady(timeout);
    }

    /** SIGKILL, as a crash: the Lease is not released. Returns once the process is gone. */
    public void kill() {
        process.kill();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** {@code http://127.0.0.1:<port>}: {@code /actuator/health}, {@code /actuator/prometheus}. */
    public String managementUrl() {
        return "http://127.0.0.1:" + process.managementPort();
    }

    public Path logFile() {
        return process.log();
    }

    public String logTail() {
        return process.tail();
    }

    @Override
    public void close() {
        process.stop();
    }
}
