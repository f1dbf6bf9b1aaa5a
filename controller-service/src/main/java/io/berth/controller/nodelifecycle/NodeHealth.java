package io.berth.controller.nodelifecycle;

import io.fabric8.kubernetes.api.model.NodeCondition;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What the controller knows of one node's heartbeats (Kubernetes' {@code nodeHealthData}): the heartbeats it last saw
 * (the Ready condition's {@code lastHeartbeatTime}, the Lease's {@code renewTime}) and {@code probeTimestamp}, when
 * it last saw either of them move, by its own clock. Judging staleness by when the controller saw a change, never by
 * the timestamps the node wrote, keeps a node with a skewed clock from being declared dead (or alive) wrongly.
 * Immutable.
 *
 * @param probeTimestamp when the controller last saw a new heartbeat, or first saw the node
 * @param readyHeartbeat the Ready condition's {@code lastHeartbeatTime} as last seen (null: no Ready condition)
 * @param hasReady       whether the node had a Ready condition when last seen
 * @param leaseRenewTime the node Lease's {@code renewTime} as last seen (null: no Lease seen)
 */
record NodeHealth(Instant probeTimestamp, String readyHeartbeat, boolean hasReady, Instant leaseRenewTime) {

    /**
     * The health after looking at the node again at {@code now}. A node seen for the first time gets {@code now}
     * (the controller has just started, or the node just appeared: it gets a full grace period, as Kubernetes');
     * then the probe moves to {@code now} whenever the Ready heartbeat differs from the last one seen (or the
     * condition appeared or vanished) or the Lease was renewed later than the last renewal seen.
     *
     * @param saved      what was known before (null: the node is new to the controller)
     * @param ready      the node's Ready condition now (null: none)
     * @param leaseRenew the renewTime of the node's Lease now (null: no Lease, or never renewed)
     */
    static NodeHealth observe(NodeHealth saved, NodeCondition ready, Instant leaseRenew, Instant now) {
        String heartbeat = ready == null ? null : ready.getLastHeartbeatTime();
        Instant probe;
        if (saved == null || saved.hasReady != (ready != null)
                || ready != null && !Objects.equals(saved.readyHeartbeat, heartbeat)) {
            probe = now;
        } else {
            probe = saved.probeTimestamp;
        }
        Instant renewSeen = saved == null ? null : saved.leaseRenewTime;
        if (leaseRenew != null && (renewSeen == null || renewSeen.isBefore(leaseRenew))) {
            probe = now;
            renewSeen = leaseRenew;
        }
        return new NodeHealth(probe, heartbeat, ready != null, renewSeen);
    }

    /** Whether more than {@code grace} has passed at {@code now} since the last heartbeat the controller saw. */
    boolean stale(Instant now, Duration grace) {
        return now.isAfter(probeTimestamp.plus(grace));
    }
}
