package io.berth.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * etcd in a container, for machines without an etcd binary but with a Docker engine. The only class that
 * touches Testcontainers, so machines without Docker never load it.
 */
final class ContainerEtcd implements EtcdRuntime {

    static final DockerImageName IMAGE = DockerImageName.parse(EtcdProcess.CONTAINER_IMAGE);
    private static final int CLIENT_PORT = 2379;
    private static final String PKI_MOUNT = "/berth-pki";

    private final GenericContainer<?> container;
    private boolean started;

    ContainerEtcd(Path pkiDir) {
        List<String> command = new ArrayList<>(List.of("/usr/local/bin/etcd"));
        // The advertised URL is what the container sees; clients use the mapped port from endpoint() instead.
        command.addAll(EtcdRuntime.flags(PKI_MOUNT, "/var/lib/etcd",
                "https://0.0.0.0:" + CLIENT_PORT, "https://127.0.0.1:" + CLIENT_PORT,
                "http://127.0.0.1:2380", "http://0.0.0.0:2380"));
        this.container = new GenericContainer<>(IMAGE)
                .withFileSystemBind(pkiDir.toAbsolutePath().toString(), PKI_MOUNT, BindMode.READ_ONLY)
                .withExposedPorts(CLIENT_PORT)
                .withCommand(command.toArray(new String[0]))
                // The image has no shell, so Testcontainers' port probe cannot run inside it; etcd's log line can.
                .waitingFor(Wait.forLogMessage(".*ready to serve client requests.*", 1))
                .withStartupTimeout(Duration.ofSeconds(60));
    }

    /** Whether a Docker engine answers; false (and quick) on machines without one. */
    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @Override
    public void start() {
        if (started) {
            // A restarted container gets new host ports, which would break the endpoint promised to callers.
            throw new IllegalStateException("an etcd container cannot be restarted on the same endpoint; "
                    + "install etcd locally (apt-get install -y etcd-server) for restart tests");
        }
        container.start();
        started = true;
    }

    @Override
    public String endpoint() {
        return "https://" + container.getHost() + ":" + container.getMappedPort(CLIENT_PORT);
    }

    @Override
    public boolean isRunning() {
        return container.isRunning();
    }

    @Override
    public String logTail() {
        try {
            String logs = container.getLogs();
            return logs.length() > 4000 ? logs.substring(logs.length() - 4000) : logs;
        } catch (RuntimeException e) {
            return "(no container logs: " + e.getMessage() + ")";
        }
    }

    @Override
    public boolean lostPortRace() {
        // Docker picks the host port itself, so there is no race to lose.
        return false;
    }

    @Override
    public void stop() {
        container.stop();
    }

    @Override
    public void close() {
        container.stop();
    }

    @Override
    public Path dataDir() {
        return null;
    }

    @Override
    public String toString() {
        return "etcd container " + IMAGE;
    }
}
