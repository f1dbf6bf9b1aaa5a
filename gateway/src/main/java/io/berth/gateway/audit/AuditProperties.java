package io.berth.gateway.audit;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

/**
 * The audit trail's settings ({@code berth.gateway.audit.*}); defaults run a local cluster.
 *
 * @param enabled          record requests and serve {@code /audit/v1/events}
 * @param path             the embedded H2 database's file name without {@code .mv.db}; {@code spring.datasource.url}
 *                         is built from it (application.yml), so it no longer matters once that URL points elsewhere
 *                         (PostgreSQL). A relative path must start with {@code ./} (an H2 rule).
 * @param queueCapacity    entries waiting for the store; beyond it new entries are dropped and counted
 * @param queueBodyBudget  request bodies waiting in the queue, in bytes; beyond it entries are queued without body
 * @param bodyLimit        the part of a write's request body that is kept; longer bodies are marked truncated
 * @param retentionDays    entries older than this are purged
 * @param retentionRows    only the newest this many entries are kept
 * @param purgeInterval    how often the purge runs (the first run is at start)
 * @param batchSize        entries per insert batch
 */
@ConfigurationProperties("berth.gateway.audit")
public record AuditProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("./.berth/audit/audit") String path,
        @DefaultValue("10000") int queueCapacity,
        @DefaultValue("32MB") DataSize queueBodyBudget,
        @DefaultValue("64KB") DataSize bodyLimit,
        @DefaultValue("7") int retentionDays,
        @DefaultValue("1000000") long retentionRows,
        @DefaultValue("1h") Duration purgeInterval,
        @DefaultValue("500") int batchSize) {

    /** The largest body limit: the column holds at most a million characters (H2's VARCHAR maximum). */
    public static final DataSize MAX_BODY_LIMIT = DataSize.ofKilobytes(512);

    public AuditProperties {
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("berth.gateway.audit.queue-capacity must be at least 1");
        }
        if (bodyLimit.isNegative() || bodyLimit.compareTo(MAX_BODY_LIMIT) > 0) {
            throw new IllegalArgumentException("berth.gateway.audit.body-limit must be between 0 and " + MAX_BODY_LIMIT);
        }
        if (retentionDays < 1 || retentionRows < 1) {
            throw new IllegalArgumentException("berth.gateway.audit.retention-days and retention-rows must be at least 1");
        }
        if (purgeInterval.isNegative() || purgeInterval.isZero()) {
            throw new IllegalArgumentException("berth.gateway.audit.purge-interval must be positive");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("berth.gateway.audit.batch-size must be at least 1");
        }
    }

    /** The defaults, for tests and for code that builds the audit trail without Spring. */
    public static AuditProperties defaults() {
        return new AuditProperties(true, "./.berth/audit/audit", 10_000, DataSize.ofMegabytes(32),
                DataSize.ofKilobytes(64), 7, 1_000_000, Duration.ofHours(1), 500);
    }
}
