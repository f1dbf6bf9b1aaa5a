package io.berth.node.simulate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The simulator's Micrometer meters ({@code berth_simulator_*} in Prometheus). The renewal lag is the time from a
 * Lease renewal's slot in the spread schedule to the API's acknowledgement of the write: what a node lifecycle
 * controller would see as the heartbeat's lateness. Thread safe.
 */
final class SimulatorMetrics {

    /** A renewal acknowledged later than this after its slot counts as late: the goal for the lag. */
    static final Duration LATE = Duration.ofSeconds(1);

    private final Counter renewed;
    private final Counter renewalErrors;
    private final Counter lateSlow;
    private final Counter lateInFlight;
    private final Counter lateMissed;
    private final Timer lag;
    private final Timer tickDelay;
    private final Timer gateWait;
    private final Counter statusOk;
    private final Counter statusErrors;
    private final Counter statusSkipped;
    private final Counter podWrites;
    private final Counter podWriteErrors;

    SimulatorMetrics(MeterRegistry registry, Supplier<Number> inFlight, Supplier<Number> pending,
                     Supplier<Number> registered) {
        renewed = Counter.builder("berth.simulator.lease.renewals").tag("result", "ok")
                .description("Lease renewals acknowledged").register(registry);
        renewalErrors = Counter.builder("berth.simulator.lease.renewals").tag("result", "error")
                .description("Lease renewals that failed").register(registry);
        lateSlow = late(registry, "slow");
        lateInFlight = late(registry, "in-flight");
        lateMissed = late(registry, "missed-slot");
        lag = Timer.builder("berth.simulator.lease.renewal.lag")
                .description("From a renewal's slot in the spread schedule to the write's acknowledgement")
                .publishPercentileHistogram()
                .publishPercentiles(0.5, 0.99)
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        tickDelay = Timer.builder("berth.simulator.lease.tick.delay")
                .description("From a renewal's slot to its timer running: how late the scheduler itself is")
                .publishPercentiles(0.5, 0.99).register(registry);
        gateWait = Timer.builder("berth.simulator.gate.wait")
                .description("How long a write waited for one of the concurrency permits")
                .publishPercentiles(0.5, 0.99).register(registry);
        statusOk = status(registry, "ok");
        statusErrors = status(registry, "error");
        statusSkipped = status(registry, "skipped");
        podWrites = Counter.builder("berth.simulator.pod.writes").tag("result", "ok").register(registry);
        podWriteErrors = Counter.builder("berth.simulator.pod.writes").tag("result", "error").register(registry);
        Gauge.builder("berth.simulator.writes.in.flight", inFlight).description("API writes in flight")
                .register(registry);
        Gauge.builder("berth.simulator.writes.pending", pending)
                .description("API writes waiting for one of the concurrency permits").register(registry);
        Gauge.builder("berth.simulator.nodes.registered", registered).description("Simulated nodes registered")
                .register(registry);
    }

    private static Counter late(MeterRegistry registry, String reason) {
        return Counter.builder("berth.simulator.lease.renewals.late").tag("reason", reason)
                .description("Lease renewals acknowledged over 1 s after their slot (slow), skipped because the "
                        + "previous one was still in flight (in-flight), or dropped with a stalled slot (missed-slot)")
                .register(registry);
    }

    private static Counter status(MeterRegistry registry, String result) {
        return Counter.builder("berth.simulator.node.status.updates").tag("result", result)
                .description("Periodic Node status writes").register(registry);
    }

    void renewed(long lagNanos) {
        renewed.increment();
        lag.record(lagNanos, TimeUnit.NANOSECONDS);
        if (lagNanos > LATE.toNanos()) {
            lateSlow.increment();
        }
    }

    /** A renewal's timer ran {@code nanos} after its slot. */
    void tickDelay(long nanos) {
        tickDelay.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A write waited {@code nanos} for a permit of the gate. */
    void gateWait(long nanos) {
        gateWait.record(nanos, TimeUnit.NANOSECONDS);
    }

    void renewalFailed() {
        renewalErrors.increment();
    }

    void renewalSkippedInFlight() {
        lateInFlight.increment();
    }

    void renewalMissed() {
        lateMissed.increment();
    }

    /** All late renewals so far, whatever the reason. */
    long late() {
        return (long) (lateSlow.count() + lateInFlight.count() + lateMissed.count());
    }

    long renewals() {
        return (long) renewed.count();
    }

    void statusUpdated(boolean ok) {
        (ok ? statusOk : statusErrors).increment();
    }

    void statusSkipped() {
        statusSkipped.increment();
    }

    void podWrite(boolean ok) {
        (ok ? podWrites : podWriteErrors).increment();
    }
}
