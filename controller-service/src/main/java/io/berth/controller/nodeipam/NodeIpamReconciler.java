package io.berth.controller.nodeipam;

import io.berth.controller.runtime.Reconciler;
import io.berth.controller.runtime.Result;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Gives each node a block of the cluster CIDR as its {@code spec.podCIDR} (Kubernetes' range allocator), synced by
 * node name. The first sync records every node's CIDR before anything is allocated, so an allocation never hands out
 * a block a node already has. A block is reserved before its patch is sent and stays reserved while the outcome is
 * unknown (a timeout: the patch may have landed); a refused patch releases it. A deleted node's block is free again,
 * and the nodes that found the range full are tried again.
 *
 * <p>Idempotent: a node whose CIDR is recorded costs no write. Thread safe: allocation is serialized in the
 * {@link RangeAllocator}; patches run outside its lock.
 */
final class NodeIpamReconciler implements Reconciler {

    private static final Logger log = LoggerFactory.getLogger(NodeIpamReconciler.class);

    private final RangeAllocator allocator;
    private final Function<String, Node> node;
    private final Supplier<List<Node>> nodes;
    private final NodeIpamWrites writes;
    private final Consumer<String> enqueue;
    private volatile boolean occupied;

    NodeIpamReconciler(RangeAllocator allocator, Function<String, Node> node, Supplier<List<Node>> nodes,
                       NodeIpamWrites writes, Consumer<String> enqueue) {
        this.allocator = allocator;
        this.node = node;
        this.nodes = nodes;
        this.writes = writes;
        this.enqueue = enqueue;
    }

    @Override
    public Result reconcile(String key) {
        occupyExisting();
        Node n = node.apply(key);
        if (n == null) {
            allocator.delete(key).forEach(enqueue);
            return Result.done();
        }
        RangeAllocator.Decision decision = allocator.sync(key, podCidr(n));
        switch (decision.action()) {
            case NONE -> {
                return Result.done();
            }
            case FULL, STILL_FULL -> {
                // reported once per wait: a node without a CIDR is synced on each of its heartbeats
                if (decision.action() == RangeAllocator.Action.FULL) {
                    writes.event(n, "CIDRNotAvailable", "Node " + key + " status is now: CIDRNotAvailable");
                }
                // an error, as in Kubernetes: retried with back-off; a released block also enqueues the node at once
                throw new IllegalStateException("no pod CIDR left for node " + key + ": every block is in use");
            }
            default -> {
                return patch(n, key, decision.cidr());
            }
        }
    }

    private Result patch(Node n, String key, String cidr) {
        try {
            writes.patchPodCidr(key, cidr);
        } catch (KubernetesClientException e) {
            if (refused(e.getCode())) {
                allocator.patchRefused(key, cidr).forEach(enqueue);
                writes.event(n, "CIDRAssignmentFailed", "Node " + key + " status is now: CIDRAssignmentFailed");
                if (e.getCode() == 404) {
                    return Result.done();
                }
            }
            // an unknown outcome keeps the reservation: the retry sends the same block
            throw e;
        }
        log.info("node {}: pod CIDR {} assigned", key, cidr);
        return Result.done();
    }

    /** Whether the API answered no (the patch surely did not land), as opposed to a timeout or a server error. */
    private static boolean refused(int code) {
        return code >= 400 && code < 500 && code != 408 && code != 429;
    }

    /** Once, on the first sync (the caches are synced then): marks every node's CIDR used. */
    private void occupyExisting() {
        if (occupied) {
            return;
        }
        synchronized (this) {
            if (occupied) {
                return;
            }
            for (Node n : nodes.get()) {
                String cidr = podCidr(n);
                if (cidr != null) {
                    allocator.observe(n.getMetadata().getName(), cidr);
                }
            }
            occupied = true;
            log.info("pod CIDRs of existing nodes recorded: {} blocks free", allocator.free());
        }
    }

    /** The node's pod CIDR: {@code spec.podCIDR}, else the first of {@code spec.podCIDRs}; null when none. */
    static String podCidr(Node n) {
        if (n.getSpec() == null) {
            return null;
        }
        String cidr = n.getSpec().getPodCIDR();
        if ((cidr == null || cidr.isEmpty()) && n.getSpec().getPodCIDRs() != null
                && !n.getSpec().getPodCIDRs().isEmpty()) {
            cidr = n.getSpec().getPodCIDRs().get(0);
        }
        return cidr == null || cidr.isEmpty() ? null : cidr;
    }
}
