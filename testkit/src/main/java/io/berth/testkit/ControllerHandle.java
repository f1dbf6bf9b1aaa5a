package io.berth.testkit;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A controller-service replica started by {@link ClusterHarness#startController}: authenticated as
 * {@code system:kube-controller-manager} through the gateway. Ready once started (leader or standby); its health
 * details say whether it leads and its caches have synced. Thread safe.
 */
public final class ControllerHandle extends ComponentHandle {

    private ControllerHandle(String name, ServiceProcess process) {
        super(name, process);
    }

    static ControllerHandle create(String name, Path jar, List<String> jvmArgs, Path pkiDir, String gatewayUrl,
                                   Path tokenFile, Path workDir, Map<String, String> properties) {
        return new ControllerHandle(name, process("controller", name, jar, jvmArgs, pkiDir, gatewayUrl, tokenFile,
                workDir, properties));
    }
}
