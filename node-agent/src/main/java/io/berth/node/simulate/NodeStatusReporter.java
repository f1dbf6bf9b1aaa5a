package io.berth.node.simulate;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The periodic full Node status (every {@code berth.node.status-update-interval}, spread like the Leases): a merge
 * patch of {@code nodes/<name>/status} with every condition's {@code lastHeartbeatTime} set to now, as the kubelet's
 * status report. A merge patch needs no resourceVersion, so it never conflicts with other writers of the Node. At
 * most one per node in flight; a node still writing when due again skips. Thread safe.
 */
final class NodeStatusReporter implements SpreadTicker.Member {

    private final SimulatedNode[] nodes;
    private final NodeTemplate template;
    private final AsyncApi api;
    private final SimulatorMetrics metrics;
    private final Clock clock;

    NodeStatusReporter(SimulatedNode[] nodes, NodeTemplate template, AsyncApi api, SimulatorMetrics metrics,
                       Clock clock) {
        this.nodes = nodes;
        this.template = template;
        this.api = api;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void due(int member, long dueNanos) {
        SimulatedNode node = nodes[member];
        if (!node.registered()) {
            return;
        }
        if (!node.statusInFlight.compareAndSet(false, true)) {
            metrics.statusSkipped();
            return;
        }
        CompletableFuture<AsyncApi.Response> write;
        try {
            String body = body(node);
            write = api.gated(() -> patch(node.name, body));
        } catch (RuntimeException e) {
            write = CompletableFuture.failedFuture(e);
        }
        write.whenComplete((r, error) -> {
            metrics.statusUpdated(error == null && r.ok());
            node.statusInFlight.set(false);
        });
    }

    @Override
    public void missed(int member, long dueNanos) {
        if (nodes[member].registered()) {
            metrics.statusSkipped();
        }
    }

    /** The status patch for one node, its heartbeat now. */
    String body(SimulatedNode node) {
        return api.json(Map.of("status", template.status(node.name, clock.instant(), node.readySince())));
    }

    /** Writes a status patch; the caller holds a gate permit. */
    CompletableFuture<AsyncApi.Response> patch(String nodeName, String body) {
        return api.send("PATCH", "/api/v1/nodes/" + nodeName + "/status", AsyncApi.MERGE_PATCH, body);
    }
}
