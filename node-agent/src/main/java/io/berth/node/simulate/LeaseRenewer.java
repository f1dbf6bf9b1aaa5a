package io.berth.node.simulate;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node heartbeat Leases in {@code kube-node-lease}, written as the kubelet writes them: named after the node,
 * held by it, owned by its Node object (so they go with it), {@code renewTime} set to the time of each renewal.
 *
 * <p>A renewal is an update of the last Lease the simulator wrote, with that Lease's resourceVersion: one request in
 * the common case. A 409 (someone else wrote it) falls back to a get and an update; a 404 (someone deleted it)
 * creates it again. The renewTime is the time of the node's turn, set before the write waits for the gate, as a
 * kubelet sets it before client-go's rate limiter makes it wait; how long the write then took shows in the lag
 * metric. At most one renewal per node is queued or in flight; a node that is due while its previous renewal is
 * still pending skips this turn and counts it late. Thread safe.
 */
final class LeaseRenewer implements SpreadTicker.Member {

    static final String NAMESPACE = "kube-node-lease";
    private static final String LEASES = "/apis/coordination.k8s.io/v1/namespaces/" + NAMESPACE + "/leases";

    private static final Logger log = LoggerFactory.getLogger(LeaseRenewer.class);

    private final AtomicLong failures = new AtomicLong();
    private final SimulatedNode[] nodes;
    private final AsyncApi api;
    private final SimulatorMetrics metrics;
    private final int durationSeconds;
    private final Clock clock;

    LeaseRenewer(SimulatedNode[] nodes, AsyncApi api, SimulatorMetrics metrics, Duration leaseDuration, Clock clock) {
        this.nodes = nodes;
        this.api = api;
        this.metrics = metrics;
        this.durationSeconds = (int) Math.max(1, leaseDuration.toSeconds());
        this.clock = clock;
    }

    @Override
    public void due(int member, long dueNanos) {
        SimulatedNode node = nodes[member];
        if (!node.registered()) {
            return;  // its registration will create the Lease
        }
        if (!node.leaseInFlight.compareAndSet(false, true)) {
            metrics.renewalSkippedInFlight();
            return;
        }
        metrics.tickDelay(System.nanoTime() - dueNanos);
        CompletableFuture<Lease> renewal;
        try {
            // renewTime is now, the turn's time, whether or not the gate makes the write wait
            String body = api.json(renewed(node.lease(), node.uid()));
            renewal = api.gated(() -> update(node, body));
        } catch (RuntimeException e) {
            renewal = CompletableFuture.failedFuture(e);
        }
        renewal.whenComplete((lease, error) -> {
            long lag = System.nanoTime() - dueNanos;
            if (error == null) {
                node.lease(lease);
                metrics.renewed(lag);
            } else {
                metrics.renewalFailed();
                long n = failures.incrementAndGet();
                // the first few in full, then one in a thousand: a dead gateway must not flood the log
                if (n <= 10 || n % 1000 == 0) {
                    log.warn("lease renewal of {} failed ({} failures so far): {}", node.name, n, error.toString());
                }
            }
            node.leaseInFlight.set(false);
        });
    }

    @Override
    public void missed(int member, long dueNanos) {
        if (nodes[member].registered()) {
            metrics.renewalMissed();
        }
    }

    /**
     * Creates the node's Lease, or takes over the one a previous run of the simulator left (renewing it at once).
     * For registration: the caller holds a gate permit.
     */
    CompletableFuture<Lease> createOrAdopt(String nodeName, String nodeUid) {
        return api.send("POST", LEASES, AsyncApi.JSON, api.json(fresh(nodeName, nodeUid)))
                .thenCompose(r -> r.code() == 409 ? getAndUpdate(nodeName, nodeUid) : leaseOf(r, "create", nodeName));
    }

    private CompletableFuture<Lease> update(SimulatedNode node, String renewed) {
        return api.send("PUT", LEASES + "/" + node.name, AsyncApi.JSON, renewed)
                .thenCompose(r -> switch (r.code()) {
                    case 409 -> getAndUpdate(node.name, node.uid());
                    case 404 -> api.send("POST", LEASES, AsyncApi.JSON, api.json(fresh(node.name, node.uid())))
                            .thenCompose(created -> leaseOf(created, "create", node.name));
                    default -> leaseOf(r, "update", node.name);
                });
    }

    private CompletableFuture<Lease> getAndUpdate(String nodeName, String nodeUid) {
        return api.send("GET", LEASES + "/" + nodeName, null, null)
                .thenCompose(r -> r.ok() ? CompletableFuture.completedFuture(api.read(r, Lease.class))
                        : CompletableFuture.<Lease>failedFuture(failure("get", nodeName, r)))
                .thenCompose(current -> api.send("PUT", LEASES + "/" + nodeName, AsyncApi.JSON,
                        api.json(renewed(current, nodeUid))))
                .thenCompose(r -> leaseOf(r, "update", nodeName));
    }

    private CompletableFuture<Lease> leaseOf(AsyncApi.Response r, String verb, String nodeName) {
        return r.ok() ? CompletableFuture.completedFuture(api.read(r, Lease.class))
                : CompletableFuture.failedFuture(failure(verb, nodeName, r));
    }

    /** A new Lease held by the node, renewed now. */
    Lease fresh(String nodeName, String nodeUid) {
        return new LeaseBuilder()
                .withNewMetadata().withName(nodeName).withNamespace(NAMESPACE)
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Node")
                        .withName(nodeName).withUid(nodeUid).build())
                .endMetadata()
                .withNewSpec().withHolderIdentity(nodeName).withLeaseDurationSeconds(durationSeconds)
                .withRenewTime(now()).endSpec()
                .build();
    }

    /** {@code last} renewed now, keeping its resourceVersion; holder, duration and owner as the kubelet sets them. */
    private Lease renewed(Lease last, String nodeUid) {
        String name = last.getMetadata().getName();
        return new LeaseBuilder(last)
                .editMetadata()
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Node")
                        .withName(name).withUid(nodeUid).build())
                .endMetadata()
                .editOrNewSpec().withHolderIdentity(name).withLeaseDurationSeconds(durationSeconds)
                .withRenewTime(now()).endSpec()
                .build();
    }

    /** MicroTime must be in UTC: fabric8 writes it with a literal {@code Z}. */
    private ZonedDateTime now() {
        return ZonedDateTime.now(clock).withZoneSameInstant(ZoneOffset.UTC);
    }

    private static IllegalStateException failure(String verb, String name, AsyncApi.Response r) {
        String body = r.body() == null ? "" : r.body();
        return new IllegalStateException("lease " + verb + " " + name + ": HTTP " + r.code() + " "
                + body.substring(0, Math.min(300, body.length())));
    }
}
