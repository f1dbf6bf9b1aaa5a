package io.berth.testkit;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A scheduler-service replica started by {@link ClusterHarness#startScheduler}: authenticated as
 * {@code system:kube-scheduler} through the gateway. Ready when its informers have listed pods and nodes (leader or
 * standby). Thread safe.
 */
public final class SchedulerHandle extends ComponentHandle {

    private SchedulerHandle(String name, ServiceProcess process) {
        super(name, process);
    }

    static SchedulerHandle create(String name, Path jar, List<String> jvmArgs, Path pkiDir, String gatewayUrl,
                                  Path tokenFile, Path workDir, Map<String, String> properties) {
        return new SchedulerHandle(name, process("scheduler", name, jar, jvmArgs, pkiDir, gatewayUrl, tokenFile,
                workDir, properties));
    }
}
