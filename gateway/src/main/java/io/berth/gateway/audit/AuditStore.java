package io.berth.gateway.audit;

import java.time.Instant;
import java.util.List;

/**
 * Where audit events are kept. Implementations are thread safe; the {@link AuditWriter} is the only writer, queries
 * run concurrently with it.
 */
public interface AuditStore {

    /** Stores the events, all or none. */
    void insert(List<AuditEvent> events);

    /** A page of the events that match, newest first (by time, then id). */
    AuditPage query(AuditQuery query);

    /**
     * Deletes the events received before {@code olderThan} and those beyond the newest {@code keepNewest}.
     * Idempotent.
     *
     * @return how many were deleted
     */
    long purge(Instant olderThan, long keepNewest);
}
