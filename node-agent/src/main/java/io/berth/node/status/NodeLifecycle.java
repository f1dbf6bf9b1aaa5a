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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The real node's presence in the API: creates (or adopts) its Node, renews its Lease every
 * {@code leaseRenewInterval}, and writes the full Node status every {@code statusUpdateInterval} or as soon as a
 * condition changes, as the kubelet does since node leases exist.
 *
 * <p>The pod CIDR: a node whose pod network has none (no {@code berth.node.network.pod-cidr}) registers without
 * {@code spec.podCIDR}, reports Ready=False ({@code KubeletNotReady}, "container runtime network not ready") and reads
 * its Node every second on the heartbeat thread until the controller manager's node IPAM has set {@code spec.podCIDR};
 * it hands that to the {@link NodeNetwork} and writes Ready=True at once. Every Node it reads or writes on the way
 * (registration, status writes) is looked at too, so an adopted Node that has its CIDR is ready at start.
 *
 * <p>Lifecycle {@code LATENT → STARTED → CLOSED}: {@link #start()} registers synchronously (throws when the API
 * refuses), then heartbeats on its own thread. Thread safe.
 */
public final class NodeLifecycle implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeLifecycle.class);
    /** How often a node without a pod CIDR reads its Node (kubelet: its fast status updates at start). */
    private static final Duration POD_CIDR_POLL = Duration.ofSeconds(1);
    /** How long a node waits for its pod CIDR before it says the node IPAM may not be running. */
    private static final Duration POD_CIDR_PATIENCE = Duration.ofSeconds(30);

    private final KubernetesClient client;
    private final NodeObjects.Description description;
    private final Path stateDir;
    private final Duration renewInterval;
    private final int leaseDurationSeconds;
    private final Duration statusInterval;
    private final Clock clock;
    private final NodeNetwork network;
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
    private volatile ScheduledFuture<?> podCidrPoll;
    private volatile Instant waitingSince;
    private volatile boolean impatient;
    private volatile String refusedPodCidr;

    /**
     * @param network the node's pod network: its readiness sets the Ready condition, and it is given the Node's
     *                {@code spec.podCIDR} while it has none
     */
    public NodeLifecycle(KubernetesClient client, NodeObjects.Description description, Path stateDir,
                         Duration renewInterval, Duration leaseDuration, Duration statusInterval, Clock clock,
                         NodeNetwork network) {
        this.client = client;
        this.network = network;
        this.description = description;
        this.stateDir = stateDir;
        this.renewInterval = renewInterval;
        this.leaseDurationSeconds = (int) leaseDuration.toSeconds();
        this.statusInterval = statusInterval;
        this.clock = clock;
    }

    /**
     * Registers the Node and its Lease, then starts heartbeating, and, while the pod network has no CIDR, waiting for
     * the Node's {@code spec.podCIDR}.
     */
    public void start() {
        register();
        renewLease();
        timer.scheduleAtFixedRate(this::beat, renewInterval.toMillis(), renewInterval.toMillis(),
                TimeUnit.MILLISECONDS);
        if (network.notReady().isPresent()) {
            waitingSince = clock.instant();
            log.info("node {} has no pod CIDR: waiting for the node's spec.podCIDR from the controller manager's node "
                    + "IPAM; the node is NotReady and its pods get no addresses until then", description.name());
            podCidrPoll = timer.scheduleWithFixedDelay(this::pollPodCidr, POD_CIDR_POLL.toMillis(),
                    POD_CIDR_POLL.toMillis(), TimeUnit.MILLISECONDS);
        }
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
        Node created = NodeObjects.node(description, MachineInfo.Pressure.read(stateDir), network.notReady(), now);
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
        observe(existing);
        writeStatus();
    }

    /** While the pod network has no CIDR: reads the Node, which the node IPAM patches. */
    private void pollPodCidr() {
        if (network.notReady().isEmpty()) {
            stopPolling();
            return;
        }
        try {
            observe(client.nodes().withName(description.name()).get());
        } catch (RuntimeException e) {
            log.debug("reading node {} for its spec.podCIDR failed: {}", description.name(), e.getMessage());
        }
        if (network.notReady().isPresent() && !impatient
                && !clock.instant().isBefore(waitingSince.plus(POD_CIDR_PATIENCE))) {
            impatient = true;
            log.warn("node {} still has no spec.podCIDR after {} s: is the controller manager (its node IPAM) running?",
                    description.name(), POD_CIDR_PATIENCE.toSeconds());
        }
    }

    /** Hands the Node's {@code spec.podCIDR} to a pod network that has none; once it takes it, Ready is written. */
    private void observe(Node n) {
        String cidr = n == null || n.getSpec() == null ? null : n.getSpec().getPodCIDR();
        if (cidr == null || cidr.isEmpty() || network.notReady().isEmpty()) {
            return;
        }
        try {
            if (network.assign(cidr)) {
                log.info("node {} got pod CIDR {} (spec.podCIDR): its pod network is ready", description.name(), cidr);
                stopPolling();
                timer.execute(this::writeStatusIfChanged);
            }
        } catch (IllegalArgumentException e) {
            if (!cidr.equals(refusedPodCidr)) {
                refusedPodCidr = cidr;
                log.error("node {} cannot use its spec.podCIDR {}: {}", description.name(), cidr, e.getMessage());
            }
        }
    }

    private void stopPolling() {
        ScheduledFuture<?> poll = podCidrPoll;
        if (poll != null) {
            poll.cancel(false);
        }
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
        return NodeObjects.status(description, MachineInfo.Pressure.read(stateDir), previous, network.notReady(), now);
    }

    private synchronized void writeStatus() {
        for (int attempt = 0; ; attempt++) {
            Node current = node.get();
            Instant now = clock.instant();
            Node updated = new NodeBuilder(current).withStatus(nextStatus(current, now)).build();
            try {
                Node written = client.nodes().resource(updated).updateStatus();
                node.set(written);
                lastStatus = now;
                observe(written);
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
