package io.berth.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scheduler-service replica started by {@link ClusterHarness#startScheduler}: authenticated as
 * {@code system:kube-scheduler} through the gateway, its Actuator on its one port. Ready when its informers have
 * listed pods and nodes (leader or standby). {@link #kill()} is a crash; {@link #close} a graceful stop, which
 * releases the Lease if it held it. Thread safe.
 */
public final class SchedulerHandle implements AutoCloseable {

    private final String name;
    private final ServiceProcess process;

    private SchedulerHandle(String name, ServiceProcess process) {
        this.name = name;
        this.process = process;
    }

    static SchedulerHandle create(String name, Path jar, List<String> jvmArgs, Path pkiDir, String gatewayUrl,
                                  Path tokenFile, Path workDir, Map<String, String> properties) {
        int port = FreePorts.next(1)[0];
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("berth.pki.dir", pkiDir.toString());
        settings.put("berth.scheduler.api-server", gatewayUrl);
        settings.put("berth.scheduler.token-file", tokenFile.toString());
        settings.put("berth.scheduler.leader-election.identity", name);
        settings.put("server.port", Integer.toString(port));
        settings.putAll(properties);
        List<String> args = new ArrayList<>();
        settings.forEach((k, v) -> args.add("--" + k + "=" + v));
        int actuator = Integer.parseInt(settings.get("server.port"));
        return new SchedulerHandle(name, new ServiceProcess("scheduler " + name, jar, jvmArgs, args, actuator,
                actuator, workDir.resolve("scheduler-" + name + ".log")));
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
