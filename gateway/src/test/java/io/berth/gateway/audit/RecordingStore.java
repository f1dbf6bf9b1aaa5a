package io.berth.gateway.audit;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A store that remembers what the writer gave it; queries are not its business. Thread safe. */
class RecordingStore implements AuditStore {

    final List<AuditEvent> events = new CopyOnWriteArrayList<>();
    final List<Instant> purges = new CopyOnWriteArrayList<>();
    volatile long purgeKeep;

    @Override
    public void insert(List<AuditEvent> batch) {
        events.addAll(batch);
    }

    @Override
    public AuditPage query(AuditQuery query) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long purge(Instant olderThan, long keepNewest) {
        purges.add(olderThan);
        purgeKeep = keepNewest;
        return 0;
    }
}
