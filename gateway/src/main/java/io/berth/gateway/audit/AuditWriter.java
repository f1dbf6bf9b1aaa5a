package io.berth.gateway.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Takes audit events off the request path: {@link #submit} puts them in a bounded queue and returns at once; one daemon
 * thread drains the queue in batches, redacts the bodies and inserts them, and runs the retention purge every
 * {@code purgeInterval} (so the embedded database has a single writer). When the queue is full an event is dropped
 * and counted ({@code berth_audit_dropped_total{reason="queue_full"}}); when the queued bodies pass their memory budget
 * an event is queued without its body. Store failures are counted ({@code berth_audit_store_errors_total}) and logged
 * at most once a minute; the events of a failed batch are counted as dropped ({@code reason="store_error"}). Nothing
 * is ever thrown to a request.
 *
 * <p>Lifecycle {@code LATENT -> STARTED -> CLOSED}: events submitted outside STARTED are dropped
 * ({@code reason="closed"}); {@link #close} stops taking events, writes what is queued (for at most
 * {@code drainTimeout}) and stops the thread. Thread safe.
 */
public final class AuditWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AuditWriter.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

    private enum State { LATENT, STARTED, CLOSED }

    private final AuditStore store;
    private final AuditProperties props;
    private final Clock clock;
    private final Duration drainTimeout;
    private final BlockingQueue<PendingEvent> queue;
    private final AtomicLong queuedBodyBytes = new AtomicLong();
    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
    private final Counter recorded;
    private final Counter droppedQueueFull;
    private final Counter droppedStoreError;
    private final Counter droppedClosed;
    private final Counter droppedInternal;
    private final Counter bodiesSkipped;
    private final Counter storeErrors;
    private final Counter purged;
    private final RateLimitedLog fullLog;
    private final RateLimitedLog storeLog;
    private final RateLimitedLog internalLog;
    private volatile Thread thread;

    public AuditWriter(AuditStore store, AuditProperties props, MeterRegistry meters, Clock clock,
                       Duration drainTimeout) {
        this.store = store;
        this.props = props;
        this.clock = clock;
        this.drainTimeout = drainTimeout;
        this.queue = new ArrayBlockingQueue<>(props.queueCapacity());
        this.recorded = Counter.builder("berth.audit.recorded").description("audit events stored").register(meters);
        this.droppedQueueFull = dropped(meters, "queue_full");
        this.droppedStoreError = dropped(meters, "store_error");
        this.droppedClosed = dropped(meters, "closed");
        this.droppedInternal = dropped(meters, "internal");
        this.bodiesSkipped = Counter.builder("berth.audit.bodies.skipped")
                .description("audit events queued without their request body (queue memory budget)").register(meters);
        this.storeErrors = Counter.builder("berth.audit.store.errors")
                .description("failed audit store operations (inserts and purges)").register(meters);
        this.purged = Counter.builder("berth.audit.purged").description("audit events deleted by retention")
                .register(meters);
        Gauge.builder("berth.audit.queue.entries", queue, BlockingQueue::size)
                .description("audit events waiting for the store").register(meters);
        this.fullLog = new RateLimitedLog(log, clock, LOG_INTERVAL);
        this.storeLog = new RateLimitedLog(log, clock, LOG_INTERVAL);
        this.internalLog = new RateLimitedLog(log, clock, LOG_INTERVAL);
    }

    private static Counter dropped(MeterRegistry meters, String reason) {
        return Counter.builder("berth.audit.dropped").tag("reason", reason)
                .description("audit events not recorded").register(meters);
    }

    /** Starts the writer thread. Idempotent. */
    public void start() {
        if (!state.compareAndSet(State.LATENT, State.STARTED)) {
            return;
        }
        Thread t = new Thread(this::run, "berth-audit-writer");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /**
     * Queues an event for the store. Never blocks.
     *
     * @return false when the event was dropped (queue full, or the writer not running)
     */
    boolean submit(PendingEvent pending) {
        if (state.get() != State.STARTED) {
            droppedClosed.increment();
            return false;
        }
        int size = pending.bodySize();
        if (size > 0 && queuedBodyBytes.addAndGet(size) > props.queueBodyBudget().toBytes()) {
            queuedBodyBytes.addAndGet(-size);
            bodiesSkipped.increment();
            pending = pending.withoutBody("audit queue over its memory budget");
            size = 0;
        }
        if (!queue.offer(pending)) {
            queuedBodyBytes.addAndGet(-size);
            droppedQueueFull.increment();
            fullLog.warn("audit queue full (" + props.queueCapacity() + " entries): audit events are being dropped; "
                    + "see berth_audit_dropped_total", null);
            return false;
        }
        return true;
    }

    /** An event that could not even be built: counted and logged, never thrown to the request. */
    void recordFailure(RuntimeException e) {
        droppedInternal.increment();
        internalLog.warn("an audit event could not be recorded", e);
    }

    /** True between {@link #start} and {@link #close}: events are taken. */
    boolean running() {
        return state.get() == State.STARTED;
    }

    private void run() {
        List<PendingEvent> batch = new ArrayList<>(props.batchSize());
        long nextPurge = clock.millis();
        long drainDeadline = Long.MAX_VALUE;
        while (true) {
            boolean open = state.get() == State.STARTED;
            if (!open) {
                if (drainDeadline == Long.MAX_VALUE) {
                    drainDeadline = System.nanoTime() + drainTimeout.toNanos();
                }
                if (queue.isEmpty()) {
                    return;
                }
                if (System.nanoTime() > drainDeadline) {
                    abandonQueued();
                    return;
                }
            }
            PendingEvent first;
            try {
                first = open ? queue.poll(POLL.toMillis(), TimeUnit.MILLISECONDS) : queue.poll();
            } catch (InterruptedException e) {
                // nobody interrupts this thread (H2 closes its file on interrupts); stop if someone did
                abandonQueued();
                Thread.currentThread().interrupt();
                return;
            }
            if (first != null) {
                batch.add(first);
                queue.drainTo(batch, props.batchSize() - 1);
                write(batch);
                batch.clear();
            }
            if (open && clock.millis() >= nextPurge) {
                purge();
                nextPurge = clock.millis() + props.purgeInterval().toMillis();
            }
        }
    }

    private void write(List<PendingEvent> batch) {
        List<AuditEvent> events = new ArrayList<>(batch.size());
        for (PendingEvent p : batch) {
            queuedBodyBytes.addAndGet(-p.bodySize());
            events.add(redacted(p));
        }
        try {
            store.insert(events);
            recorded.increment(events.size());
        } catch (RuntimeException e) {
            storeErrors.increment();
            droppedStoreError.increment(events.size());
            storeLog.warn("audit store failed to insert " + events.size() + " events; they are lost", e);
        }
    }

    /** The event as stored; a body that fails to redact is not kept (its raw bytes never are). */
    private AuditEvent redacted(PendingEvent p) {
        try {
            return p.toEvent();
        } catch (RuntimeException e) {
            internalLog.warn("an audit event's body could not be redacted; it is stored without body", e);
            return p.event().withBody(RecordedBody.notRecorded("redaction failed"));
        }
    }

    private void purge() {
        Instant cutoff = clock.instant().minus(Duration.ofDays(props.retentionDays()));
        try {
            long n = store.purge(cutoff, props.retentionRows());
            purged.increment(n);
            if (n > 0) {
                log.info("audit retention removed {} events (older than {} or beyond the newest {})", n, cutoff,
                        props.retentionRows());
            }
        } catch (RuntimeException e) {
            storeErrors.increment();
            storeLog.warn("audit retention purge failed; it runs again in " + props.purgeInterval(), e);
        }
    }

    private void abandonQueued() {
        List<PendingEvent> rest = new ArrayList<>();
        queue.drainTo(rest);
        if (!rest.isEmpty()) {
            droppedClosed.increment(rest.size());
            log.warn("audit writer stopped with {} events not written", rest.size());
        }
    }

    /** Stops taking events and writes the queued ones (for at most the drain timeout). Idempotent. */
    @Override
    public void close() {
        State previous = state.getAndSet(State.CLOSED);
        Thread t = thread;
        if (previous != State.STARTED || t == null) {
            return;
        }
        try {
            t.join(drainTimeout.plus(POLL).plusSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
