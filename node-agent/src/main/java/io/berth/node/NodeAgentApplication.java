package io.berth.node;

import io.berth.node.client.ApiClients;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The node agent (Berth's kubelet): registers its node, renews its Lease, runs the pods bound to it as conmon + runc
 * containers and reports their status; or, with {@code berth.node.simulate.count > 0}, stands in for that many
 * simulated nodes. An API client only: it talks to the gateway with its own credential and never to etcd.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class NodeAgentApplication {

    /** {@code java.lang.ProcessImpl}'s switch: how the JDK starts a child process. */
    static final String LAUNCH_MECHANISM = "jdk.lang.Process.launchMechanism";

    public static void main(String[] args) {
        preferVfork();
        ApiClients.ensureCommonPool();
        SpringApplication.run(NodeAgentApplication.class, args);
    }

    /**
     * The agent starts a dozen short programs per pod ({@code ip}, {@code unshare}, {@code mount}, {@code runc},
     * conmon's shell). JDK 17 starts each through {@code jspawnhelper} (posix_spawn, then a second exec); vfork execs
     * the program directly, which costs about half the CPU per command here (5 against 14 ms for {@code /bin/true},
     * JVM and child together). A {@code -D} on the command line wins.
     */
    static void preferVfork() {
        if (System.getProperty(LAUNCH_MECHANISM) == null) {
            System.setProperty(LAUNCH_MECHANISM, "VFORK");
        }
    }
}
