package io.berth.controller.nodelifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * How fast unhealthy nodes get their NoExecute taint, which evicts their pods: Kubernetes' zone NoExecute tainter
 * for one zone, a token bucket of {@code evictionRate} nodes per second with a burst of 1, first come first served.
 * A node's turn is reserved the first time it asks (so a node that keeps asking cannot be overtaken by later ones) and
 * kept until it is tainted or no longer needs the taint. A rate of zero or less never admits anyone (Kubernetes'
 * {@code --node-eviction-rate=0} stops evictions). Thread safe.
 */
final class EvictionRateLimiter {

    private final Duration interval;
    private final Map<String, Instant> turns = new HashMap<>();
    private Instant lastTurn;

    EvictionRateLimiter(double nodesPerSecond) {
        this.interval = nodesPerSecond > 0 ? Duration.ofNanos((long) (1e9 / nodesPerSecond)) : null;
    }

    /** When {@code node} may be tainted: {@code now} or later; null for never. Reserves its turn on the first ask. */
    synchronized Instant turn(String node, Instant now) {
        if (interval == null) {
            return null;
        }
        Instant turn = turns.get(node);
        if (turn == null) {
            turn = lastTurn == null || !lastTurn.plus(interval).isAfter(now) ? now : lastTurn.plus(interval);
            lastTurn = turn;
            turns.put(node, turn);
        }
        return turn;
    }

    /** {@code node} was tainted, recovered or is gone: its turn ends. */
    synchronized void release(String node) {
        turns.remove(node);
    }
}
