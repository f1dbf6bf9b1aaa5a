package io.berth.gateway.limits;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Rate limits and in-flight limits ({@code berth.gateway.limits.*}); defaults run a local cluster.
 *
 * @param enabled         the limits filter is installed
 * @param queueWait       how long a request waits for a seat of its level before it gets 429
 * @param queueLength     requests of one level that may wait at once (one user may take its flow share of them);
 *                        0 answers 429 at once when the level is full
 * @param flowIdleTimeout a user's rate limiter is dropped after this long without a request (it would have
 *                        refilled anyway), so memory follows the active users
 * @param maxFlows        rate limiters kept per level at most, whatever their age
 * @param exemptGroups    groups whose requests are never limited (the {@code exempt} level)
 * @param systemUsers     control-plane users: the {@code system} level, and {@code leader-election} for their Leases
 * @param simulatorUsers  users of the {@code simulator} level
 * @param levels          per-level overrides of {@link PriorityLevelConfiguration#DEFAULTS}, by level name
 */
@ConfigurationProperties("berth.gateway.limits")
public record LimitsProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1s") Duration queueWait,
        @DefaultValue("64") int queueLength,
        @DefaultValue("5m") Duration flowIdleTimeout,
        @DefaultValue("10000") int maxFlows,
        @DefaultValue("system:masters") List<String> exemptGroups,
        @DefaultValue({"system:kube-scheduler", "system:kube-controller-manager", "system:kube-proxy",
                "system:berth-gateway"}) List<String> systemUsers,
        @DefaultValue("system:berth-simulator") List<String> simulatorUsers,
        Map<String, Level> levels) {

    /** Settings of one level that replace the default ones; unset ones keep their default. */
    public record Level(Integer seats, Double flowShare, Integer limitForPeriod, Duration limitRefreshPeriod) {
    }

    public LimitsProperties {
        levels = levels == null ? Map.of() : Map.copyOf(levels);
        if (queueLength < 0 || queueWait.isNegative() || maxFlows < 1) {
            throw new IllegalArgumentException(
                    "berth.gateway.limits: queue-length and queue-wait must not be negative, max-flows at least 1");
        }
    }

    /** The defaults of every level with the configured overrides; an override of an unknown level is an error. */
    public List<PriorityLevelConfiguration> priorityLevels() {
        Set<String> unknown = new TreeSet<>(levels.keySet());
        PriorityLevelConfiguration.DEFAULTS.forEach(l -> unknown.remove(l.name()));
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("berth.gateway.limits.levels: unknown priority levels " + unknown
                    + "; the levels are " + PriorityLevelConfiguration.DEFAULTS.stream()
                    .map(PriorityLevelConfiguration::name).toList());
        }
        return PriorityLevelConfiguration.DEFAULTS.stream().map(l -> l.with(levels.get(l.name()))).toList();
    }

    /** The settings with every default: what a test or a bare {@code new} gets. */
    public static LimitsProperties defaults() {
        return new LimitsProperties(true, Duration.ofSeconds(1), 64, Duration.ofMinutes(5), 10_000,
                List.of("system:masters"),
                List.of("system:kube-scheduler", "system:kube-controller-manager", "system:kube-proxy",
                        "system:berth-gateway"),
                List.of("system:berth-simulator"), Map.of());
    }
}
