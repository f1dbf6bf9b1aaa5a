package io.berth.gateway.limits;

import java.time.Duration;
import java.util.List;

/**
 * The settings of one priority level, as Kubernetes' {@code PriorityLevelConfiguration}: how many requests of the
 * level may execute at once (its seats), how many of them one flow (one user) may hold, and how many requests per
 * period one flow may start. Immutable.
 *
 * @param exempt             no limit of any kind (the {@code exempt} level)
 * @param seats              requests of the level that may execute at once; long-running requests take none
 * @param flowShare          the fraction of the seats (and of the queue) one user may hold, so that one user's
 *                           flood leaves seats for the others; 1 lets one user take the whole level
 * @param limitForPeriod     requests one user may start per {@code limitRefreshPeriod}; 0 turns rate limiting off
 * @param limitRefreshPeriod the rate limiter's period: {@code limitForPeriod} is also the largest burst
 */
public record PriorityLevelConfiguration(
        String name,
        boolean exempt,
        int seats,
        double flowShare,
        int limitForPeriod,
        Duration limitRefreshPeriod) {

    public static final String EXEMPT = "exempt";
    public static final String SYSTEM = "system";
    public static final String LEADER_ELECTION = "leader-election";
    public static final String NODE_HIGH = "node-high";
    public static final String SIMULATOR = "simulator";
    public static final String WORKLOAD_LOW = "workload-low";
    public static final String GLOBAL_DEFAULT = "global-default";

    private static final Duration SECOND = Duration.ofSeconds(1);

    /**
     * Defaults for a local cluster on a small machine: 220 seats in all (Kubernetes' 600 scaled down), the control
     * plane and nodes ahead of tenants, tenants and workloads capped per user.
     */
    public static final List<PriorityLevelConfiguration> DEFAULTS = List.of(
            new PriorityLevelConfiguration(EXEMPT, true, 0, 1, 0, SECOND),
            new PriorityLevelConfiguration(SYSTEM, false, 30, 0.5, 200, SECOND),
            new PriorityLevelConfiguration(LEADER_ELECTION, false, 10, 0.5, 20, SECOND),
            new PriorityLevelConfiguration(NODE_HIGH, false, 40, 0.25, 50, SECOND),
            new PriorityLevelConfiguration(SIMULATOR, false, 40, 1, 500, SECOND),
            new PriorityLevelConfiguration(WORKLOAD_LOW, false, 50, 0.25, 20, SECOND),
            new PriorityLevelConfiguration(GLOBAL_DEFAULT, false, 50, 0.25, 50, SECOND));

    public PriorityLevelConfiguration {
        if (!exempt) {
            if (seats < 1) {
                throw new IllegalArgumentException("priority level " + name + ": seats must be at least 1");
            }
            if (!(flowShare > 0 && flowShare <= 1)) {
                throw new IllegalArgumentException("priority level " + name + ": flow-share must be in (0, 1]");
            }
            if (limitForPeriod < 0 || limitRefreshPeriod.isNegative() || limitRefreshPeriod.isZero()) {
                throw new IllegalArgumentException("priority level " + name
                        + ": limit-for-period must be at least 0 and limit-refresh-period positive");
            }
        }
    }

    /** Seats one user may hold: {@code max(1, seats × flowShare)}. */
    public int flowSeats() {
        return Math.max(1, (int) Math.floor(seats * flowShare));
    }

    /** Requests one user may have waiting for a seat: its share of the level's queue, at least 1. */
    public int flowQueueLength(int queueLength) {
        return Math.max(1, (int) Math.floor(queueLength * flowShare));
    }

    public boolean rateLimited() {
        return !exempt && limitForPeriod > 0;
    }

    /** These settings with the configured ones that are set. */
    PriorityLevelConfiguration with(LimitsProperties.Level override) {
        if (override == null) {
            return this;
        }
        return new PriorityLevelConfiguration(name, exempt,
                override.seats() != null ? override.seats() : seats,
                override.flowShare() != null ? override.flowShare() : flowShare,
                override.limitForPeriod() != null ? override.limitForPeriod() : limitForPeriod,
                override.limitRefreshPeriod() != null ? override.limitRefreshPeriod() : limitRefreshPeriod);
    }
}
