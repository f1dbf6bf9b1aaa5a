package io.berth.gateway.limits;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The seats of one priority level and the requests waiting for one. A request executes when its level has a free
 * seat (a Resilience4j bulkhead permission) and its flow holds fewer than its share of the seats; otherwise it
 * waits, without blocking a thread, up to the queue wait, in a queue of bounded length of which one flow may fill
 * its share too; it is then rejected. A released seat goes to the oldest waiting request whose flow is under its
 * share, so a flooding user cannot starve the others (Kubernetes' fair queuing, simplified to per-flow caps).
 *
 * <p>Each request's {@link Ticket} moves {@code NEW → WAITING → GRANTED → DONE} (or {@code WAITING → TIMED_OUT} /
 * {@code DONE}) by compare-and-set, so a seat is released exactly once whatever races between dispatch, time-out,
 * completion and cancellation. Thread safe.
 */
final class PriorityLevel {

    static final String REJECT_RATE_LIMIT = "rate-limit";
    static final String REJECT_QUEUE_FULL = "queue-full";
    static final String REJECT_CONCURRENCY_LIMIT = "concurrency-limit";
    static final String REJECT_TIME_OUT = "time-out";
    static final String REJECT_CANCELLED = "cancelled";

    private static final int NEW = 0;
    private static final int WAITING = 1;
    private static final int GRANTED = 2;
    private static final int TIMED_OUT = 3;
    private static final int DONE = 4;

    private enum Admission { OK, FLOW_FULL, LEVEL_FULL }

    private final PriorityLevelConfiguration config;
    private final Bulkhead seats;
    private final int flowSeats;
    private final int queueLength;
    private final int flowQueueLength;
    private final long queueWaitNanos;
    private final Scheduler timer;
    private final Map<String, Integer> seatsByFlow = new ConcurrentHashMap<>();
    private final Map<String, Integer> queuedByFlow = new ConcurrentHashMap<>();
    private final Queue<Ticket> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger executing = new AtomicInteger();
    private final AtomicInteger longRunning = new AtomicInteger();
    private final FlowRateLimiters rateLimiters;
    private final Counter dispatched;
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
    private final MeterRegistry meters;

    PriorityLevel(PriorityLevelConfiguration config, LimitsProperties props, BulkheadRegistry bulkheads,
                  MeterRegistry meters, Scheduler timer) {
        this.config = config;
        this.seats = config.exempt() ? null : bulkheads.bulkhead(config.name(), BulkheadConfig.custom()
                .maxConcurrentCalls(config.seats())
                .maxWaitDuration(Duration.ZERO)
                .build());
        this.flowSeats = config.flowSeats();
        this.queueLength = props.queueLength();
        this.flowQueueLength = config.flowQueueLength(props.queueLength());
        this.queueWaitNanos = props.queueWait().toNanos();
        this.timer = timer;
        this.rateLimiters = config.rateLimited()
                ? new FlowRateLimiters(config, props.flowIdleTimeout(), props.maxFlows(), System::nanoTime) : null;
        this.meters = meters;
        String level = config.name();
        this.dispatched = Counter.builder("apiserver.flowcontrol.dispatched.requests")
                .description("Requests that started executing, by priority level")
                .tag("priority_level", level).register(meters);
        Gauge.builder("apiserver.flowcontrol.current.executing.requests", executing, AtomicInteger::get)
                .description("Requests executing (holding a seat), by priority level")
                .tag("priority_level", level).strongReference(true).register(meters);
        Gauge.builder("apiserver.flowcontrol.current.inqueue.requests", queued, AtomicInteger::get)
                .description("Requests waiting for a seat, by priority level")
                .tag("priority_level", level).strongReference(true).register(meters);
        Gauge.builder("apiserver.longrunning.requests", longRunning, AtomicInteger::get)
                .description("Long-running requests (watches, exec, ...) in flight; they take no seat")
                .tag("priority_level", level).strongReference(true).register(meters);
        if (!config.exempt()) {
            Gauge.builder("apiserver.flowcontrol.nominal.limit.seats", config, PriorityLevelConfiguration::seats)
                    .description("Seats of the priority level")
                    .tag("priority_level", level).strongReference(true).register(meters);
        }
    }

    String name() {
        return config.name();
    }

    PriorityLevelConfiguration config() {
        return config;
    }

    /**
     * Takes one permission of the flow's rate limiter.
     *
     * @return 0 when the request may start, else the nanoseconds until the flow may start one again
     */
    long tryStart(String flow) {
        if (rateLimiters == null) {
            return 0;
        }
        long wait = rateLimiters.tryAcquire(flow);
        if (wait > 0) {
            reject(REJECT_RATE_LIMIT);
        }
        return wait;
    }

    /**
     * Runs {@code work} once the flow holds a seat and releases the seat when it ends, however it ends. Fails with
     * {@link Rejected} (before calling {@code work}) when no seat is free within the queue wait.
     */
    Mono<Void> execute(String flow, Supplier<Mono<Void>> work) {
        if (config.exempt()) {
            return executeLongRunning(work);
        }
        return Mono.defer(() -> {
            Ticket ticket = new Ticket(flow);
            if (tryAcquire(flow) == Admission.OK) {
                ticket.state.set(GRANTED);
                dispatched.increment();
                return Mono.defer(work).doFinally(signal -> close(ticket));
            }
            return Mono.<Void>create(sink -> enqueue(ticket, sink))
                    .then(Mono.defer(() -> {
                        dispatched.increment();
                        return work.get();
                    }))
                    .doFinally(signal -> close(ticket));
        });
    }

    /** Runs a request that takes no seat (long-running, or of the exempt level), counting it. */
    Mono<Void> executeLongRunning(Supplier<Mono<Void>> work) {
        AtomicInteger gauge = config.exempt() ? executing : longRunning;
        return Mono.defer(() -> {
            gauge.incrementAndGet();
            dispatched.increment();
            return Mono.defer(work).doFinally(signal -> gauge.decrementAndGet());
        });
    }

    int executing() {
        return executing.get();
    }

    int waiting() {
        return queued.get();
    }

    void reject(String reason) {
        rejected.computeIfAbsent(reason, r -> Counter.builder("apiserver.flowcontrol.rejected.requests")
                .description("Requests rejected by flow control, by priority level and reason")
                .tag("priority_level", config.name()).tag("reason", r)
                .register(meters)).increment();
    }

    private void enqueue(Ticket ticket, MonoSink<Void> sink) {
        if (queueLength == 0) {
            reject(REJECT_CONCURRENCY_LIMIT);
            sink.error(Rejected.CONCURRENCY_LIMIT);
            return;
        }
        if (!reserveQueueSlot(ticket.flow)) {
            reject(REJECT_QUEUE_FULL);
            sink.error(Rejected.QUEUE_FULL);
            return;
        }
        ticket.sink = sink;
        ticket.state.set(WAITING);
        queue.add(ticket);
        ticket.timer = timer.schedule(() -> timeOut(ticket), queueWaitNanos, TimeUnit.NANOSECONDS);
        dispatch();
    }

    /** Gives free seats to waiting requests, oldest first, skipping those whose flow holds its share. */
    private void dispatch() {
        for (Ticket ticket : queue) {
            if (ticket.state.get() != WAITING) {
                continue;
            }
            Admission admission = tryAcquire(ticket.flow);
            if (admission == Admission.LEVEL_FULL) {
                return;
            }
            if (admission == Admission.FLOW_FULL) {
                continue;
            }
            if (ticket.state.compareAndSet(WAITING, GRANTED)) {
                dequeued(ticket);
                ticket.cancelTimer();
                ticket.sink.success();
            } else {
                releaseSeat(ticket.flow);
            }
        }
    }

    private void timeOut(Ticket ticket) {
        if (ticket.state.compareAndSet(WAITING, TIMED_OUT)) {
            dequeued(ticket);
            reject(REJECT_TIME_OUT);
            ticket.sink.error(Rejected.TIME_OUT);
        }
    }

    /** The request ended, was cancelled or was rejected: gives back what its ticket holds. */
    private void close(Ticket ticket) {
        int previous = ticket.state.getAndSet(DONE);
        if (previous == GRANTED) {
            releaseSeat(ticket.flow);
            dispatch();
        } else if (previous == WAITING) {
            dequeued(ticket);
            ticket.cancelTimer();
            reject(REJECT_CANCELLED);
        }
    }

    private Admission tryAcquire(String flow) {
        boolean[] taken = {false};
        seatsByFlow.compute(flow, (f, held) -> {
            int n = held == null ? 0 : held;
            if (n >= flowSeats) {
                return held;
            }
            taken[0] = true;
            return n + 1;
        });
        if (!taken[0]) {
            return Admission.FLOW_FULL;
        }
        if (!seats.tryAcquirePermission()) {
            releaseFlowSeat(flow);
            return Admission.LEVEL_FULL;
        }
        executing.incrementAndGet();
        return Admission.OK;
    }

    private void releaseSeat(String flow) {
        executing.decrementAndGet();
        seats.onComplete();
        releaseFlowSeat(flow);
    }

    private void releaseFlowSeat(String flow) {
        seatsByFlow.computeIfPresent(flow, (f, held) -> held <= 1 ? null : held - 1);
    }

    private boolean reserveQueueSlot(String flow) {
        if (queued.incrementAndGet() > queueLength) {
            queued.decrementAndGet();
            return false;
        }
        boolean[] taken = {false};
        queuedByFlow.compute(flow, (f, waiting) -> {
            int n = waiting == null ? 0 : waiting;
            if (n >= flowQueueLength) {
                return waiting;
            }
            taken[0] = true;
            return n + 1;
        });
        if (!taken[0]) {
            queued.decrementAndGet();
        }
        return taken[0];
    }

    private void dequeued(Ticket ticket) {
        queue.remove(ticket);
        queued.decrementAndGet();
        queuedByFlow.computeIfPresent(ticket.flow, (f, waiting) -> waiting <= 1 ? null : waiting - 1);
    }

    private static final class Ticket {
        final String flow;
        final AtomicInteger state = new AtomicInteger(NEW);
        volatile MonoSink<Void> sink;
        volatile Disposable timer;

        Ticket(String flow) {
            this.flow = flow;
        }

        void cancelTimer() {
            Disposable t = timer;
            if (t != null) {
                t.dispose();
            }
        }
    }

    /** A request that got no seat; carries the Kubernetes rejection reason. Shared instances: no stack trace. */
    static final class Rejected extends RuntimeException {

        static final Rejected QUEUE_FULL = new Rejected(REJECT_QUEUE_FULL);
        static final Rejected CONCURRENCY_LIMIT = new Rejected(REJECT_CONCURRENCY_LIMIT);
        static final Rejected TIME_OUT = new Rejected(REJECT_TIME_OUT);

        private final String reason;

        private Rejected(String reason) {
            super("rejected by flow control: " + reason, null, false, false);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }
}
