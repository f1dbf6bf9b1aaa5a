package io.berth.node.status;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The real node's presence in the API: creates (or adopts) its Node, renews its Lease every
 * {@code leaseRenewInterval}, and writes the full Node status every {@code statusUpdateInterval} or as soon as a
 * condition changes, as the kubelet does since node leases exist.
 *
 * <p>Lifecycle {@code LATENT → STARTED → CLOSED}: {@link #start()} registers synchronously (throws when the API
 * refuses), then heartbeats on its own thread. Thread safe.
 */
public final class NodeLifecycle implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeLifecycle.class);

    private final KubernetesClient client;
    private final NodeObjects.Description description;
    private final Path stateDir;
    private final Duration renewInterval;
    private final int leaseDurationSeconds;
    private final Duration statusInterval;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "node-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<Node> node = new AtomicReference<>();
    private final AtomicReference<List<NodeCondition>> extraConditions = new AtomicReference<>(List.of());
    private volatile Lease lease;
    private volatile Instant lastStatus = Instant.EPOCH;
    private volatile Instant lastRenew = Instant.EPOCH;

    public NodeLifecycle(KubernetesClient client, NodeObjects.Description description, Path stateDir,
                         Duration renewInterval, Duration leaseDuration, Duration statusInterval, Clock clock) {
        this.client = client;
        this.description = description;
        this.stateDir = stateDir;
        this.renewInterval = renewInterval;
        this.leaseDurationSeconds = (int) leaseDuration.toSeconds();
        this.statusInterval = statusInterval;
        this.clock = clock;
    }

    /** Registers the Node and its Lease, then starts heartbeating. */
    public void start() {
        register();
        renewLease();
        timer.scheduleAtFixedRate(this::beat, renewInterval.toMillis(), renewInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** The Node as last written (its uid, spec.podCIDR, ...). */
    public Node node() {
        return node.get();
    }

    /** When the Lease was last renewed. */
    public Instant lastRenew() {
        return lastRenew;
    }

    /**
     * Sets a condition the agent owns besides the standard four (e.g. {@code UnmanagedWorkloads}); written at once
     * when it changes.
     */
    public void setCondition(NodeCondition condition) {
        extraConditions.updateAndGet(list -> NodeObjects.withCondition(list, condition));
        timer.execute(this::writeStatusIfChanged);
    }

    private void register() {
        Instant now = clock.instant();
        Node created = NodeObjects.node(description, MachineInfo.Pressure.read(stateDir), now);
        Node existing = client.nodes().withName(description.name()).get();
        if (existing == null) {
            try {
                existing = client.nodes().resource(created).create();
                log.info("registered node {}", description.name());
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                existing = client.nodes().withName(description.name()).get();
            }
        } else {
            log.info("node {} exists: adopting it", description.name());
        }
        node.set(existing);
        writeStatus();
    }

    private void beat() {
        try {
            renewLease();
        } catch (RuntimeException e) {
            log.warn("renewing the Lease of node {} failed: {}", description.name(), e.getMessage());
        }
        try {
            writeStatusIfChanged();
        } catch (RuntimeException e) {
            log.warn("writing the status of node {} failed: {}", description.name(), e.getMessage());
        }
    }

    private void renewLease() {
        Instant now = clock.instant();
        Lease current = lease;
        if (current == null) {
            current = client.leases().inNamespace(NodeObjects.LEASE_NAMESPACE).withName(description.name()).get();
        }
        if (current == null) {
            try {
                lease = client.leases().inNamespace(NodeObjects.LEASE_NAMESPACE)
                        .resource(NodeObjects.lease(node.get(), leaseDurationSeconds, now)).create();
                lastRenew = now;
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                current = client.leases().inNamespace(NodeObjects.LEASE_NAMESPACE).withName(description.name()).get();
            }
        }
        Lease renewed = new LeaseBuilder(current).editSpec()
                .withHolderIdentity(description.name())
                .withLeaseDurationSeconds(leaseDurationSeconds)
                .withRenewTime(now.atZone(ZoneOffset.UTC)).endSpec().build();
        try {
            lease = client.leases().inNamespace(NodeObjects.LEASE_NAMESPACE).resource(renewed).update();
        } catch (KubernetesClientException e) {
            lease = null;
            if (e.getCode() != 409 && e.getCode() != 404) {
                throw e;
            }
            renewLease();
            return;
        }
        lastRenew = now;
    }

    private void writeStatusIfChanged() {
        Instant now = clock.instant();
        Node current = node.get();
        NodeStatus next = nextStatus(current, now);
        boolean changed = NodeObjects.conditionsChanged(current.getStatus() == null ? List.of()
                : current.getStatus().getConditions(), next.getConditions());
        if (changed || !now.isBefore(lastStatus.plus(statusInterval))) {
            writeStatus();
        }
    }

    private NodeStatus nextStatus(Node current, Instant now) {
        List<NodeCondition> previous = current.getStatus() == null || current.getStatus().getConditions() == null
                ? List.of() : current.getStatus().getConditions();
        for (NodeCondition extra : extraConditions.get()) {
            previous = NodeObjects.withCondition(previous, extra);
        }
        return NodeObjects.status(description, MachineInfo.Pressure.read(stateDir), previous, now);
    }

    private synchronized void writeStatus() {
        for (int attempt = 0; ; attempt++) {
            Node current = node.get();
            Instant now = clock.instant();
            Node updated = new NodeBuilder(current).withStatus(nextStatus(current, now)).build();
            try {
                node.set(client.nodes().resource(updated).updateStatus());
                lastStatus = now;
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 5) {
                    throw e;
                }
                node.set(client.nodes().withName(description.name()).get());
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
