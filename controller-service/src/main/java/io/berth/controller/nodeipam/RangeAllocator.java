package io.berth.controller.nodeipam;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which node holds which block of the cluster CIDR (Kubernetes' range allocator): what the nodes' {@code podCIDR}s
 * say, plus the blocks reserved for a patch in flight, which no other node may get until the patch fails or the node
 * is deleted. A node keeps its reservation across retries (a patch whose outcome is unknown is sent again with the
 * same block), so a node is never given two blocks. A block is free again only when no node holds or has reserved it.
 * Thread safe (every method is synchronized; none does I/O).
 */
final class RangeAllocator {

    /** What a node's sync should do. */
    enum Action {
        /** Nothing: the node's CIDR is recorded (or lies outside the cluster CIDR, and is left alone). */
        NONE,
        /** Write {@link Decision#cidr()} to the node's {@code spec.podCIDR}. */
        PATCH,
        /** Every block is taken: report it and try again later (a release enqueues the waiting nodes). */
        FULL,
        /** Every block is still taken, as reported before: try again later. */
        STILL_FULL
    }

    record Decision(Action action, String cidr) {
        static final Decision NONE = new Decision(Action.NONE, null);
        static final Decision FULL = new Decision(Action.FULL, null);
        static final Decision STILL_FULL = new Decision(Action.STILL_FULL, null);
    }

    private final CidrSet set;
    /** Node → the blocks its {@code spec.podCIDR} overlaps, as last seen. */
    private final Map<String, int[]> held = new HashMap<>();
    /** Node → the block chosen for it, not yet seen in its {@code spec.podCIDR}. */
    private final Map<String, Integer> reserved = new HashMap<>();
    /** Nodes that found the range full, in arrival order. */
    private final Set<String> waiting = new LinkedHashSet<>();

    RangeAllocator(String clusterCidr, int nodeMaskSize) {
        Cidr cluster = Cidr.parse(clusterCidr);
        if (cluster == null) {
            throw new IllegalArgumentException("the cluster CIDR " + clusterCidr + " is not a CIDR");
        }
        this.set = new CidrSet(cluster, nodeMaskSize);
    }

    /**
     * Syncs what is known of {@code node} with its {@code spec.podCIDR} as the cache shows it (null: none). A CIDR
     * inside the cluster CIDR marks its blocks used (and ends any reservation for the node); one outside is left alone;
     * a node without one gets its reserved block, or the next free one.
     */
    synchronized Decision sync(String node, String podCidr) {
        if (podCidr != null && !podCidr.isEmpty()) {
            observe(node, podCidr);
            return Decision.NONE;
        }
        // a node without a CIDR that held one was deleted and created again under its name
        int[] stale = held.remove(node);
        if (stale != null) {
            release(stale);
        }
        Integer block = reserved.get(node);
        if (block == null) {
            block = set.allocateNext();
            if (block < 0) {
                return waiting.add(node) ? Decision.FULL : Decision.STILL_FULL;
            }
            reserved.put(node, block);
            waiting.remove(node);
        }
        return new Decision(Action.PATCH, set.cidr(block).toString());
    }

    /** Records a node's CIDR without allocating anything (start-up: every existing node, before any allocation). */
    synchronized void observe(String node, String podCidr) {
        Cidr cidr = Cidr.parse(podCidr);
        int[] blocks = cidr == null ? null : set.blocks(cidr);
        int[] previous = blocks == null ? held.remove(node) : held.put(node, blocks);
        Integer mine = reserved.remove(node);
        waiting.remove(node);
        if (blocks != null) {
            set.occupy(blocks);
        }
        if (previous != null && !Arrays.equals(previous, blocks)) {
            release(previous);
        }
        if (mine != null && (blocks == null || mine < blocks[0] || mine > blocks[1])) {
            release(new int[] {mine, mine});
        }
    }

    /**
     * The patch that would have given {@code node} {@code cidr} was refused: the reservation ends, unless the node has
     * since been given another one. Returns the nodes to try again (they waited for a free block).
     */
    synchronized List<String> patchRefused(String node, String cidr) {
        Integer mine = reserved.get(node);
        if (mine == null || !set.cidr(mine).toString().equals(cidr)) {
            return List.of();
        }
        reserved.remove(node);
        return release(new int[] {mine, mine});
    }

    /** {@code node} is gone: its blocks are free. Returns the nodes to try again (they waited for a free block). */
    synchronized List<String> delete(String node) {
        waiting.remove(node);
        int[] blocks = held.remove(node);
        Integer mine = reserved.remove(node);
        Set<String> retry = new LinkedHashSet<>();
        if (blocks != null) {
            retry.addAll(release(blocks));
        }
        if (mine != null) {
            retry.addAll(release(new int[] {mine, mine}));
        }
        return List.copyOf(retry);
    }

    synchronized int free() {
        return set.free();
    }

    synchronized boolean isUsed(String cidr) {
        int[] blocks = set.blocks(Objects.requireNonNull(Cidr.parse(cidr)));
        return blocks != null && set.isUsed(blocks[0]);
    }

    /** Frees the blocks no other node holds or has reserved; returns the waiting nodes when one was freed. */
    private List<String> release(int[] blocks) {
        boolean freed = false;
        for (int b = blocks[0]; b <= blocks[1]; b++) {
            if (set.isUsed(b) && !inUse(b)) {
                set.release(b);
                freed = true;
            }
        }
        return freed ? List.copyOf(waiting) : List.of();
    }

    private boolean inUse(int block) {
        if (reserved.containsValue(block)) {
            return true;
        }
        for (int[] blocks : held.values()) {
            if (block >= blocks[0] && block <= blocks[1]) {
                return true;
            }
        }
        return false;
    }
}
