package io.berth.scheduler.core;

import io.berth.scheduler.api.Binder;
import io.berth.scheduler.queue.SchedulingQueue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/**
 * The scheduler's metrics under Kubernetes' names: {@code scheduler_e2e_scheduling_duration_seconds} (from a pod's
 * first attempt to its binding), {@code scheduler_pending_pods{queue}}, {@code scheduler_schedule_attempts_total
 * {result}}, {@code scheduler_preemption_attempts_total}, and {@code scheduler_binding_requests_total}. Thread safe.
 */
public final class SchedulerMetrics {

    private final Timer e2e;
    private final Counter scheduled;
    private final Counter unschedulable;
    private final Counter error;
    private final Counter preemption;

    public SchedulerMetrics(MeterRegistry registry, SchedulingQueue queue, Binder binder) {
        this.e2e = Timer.builder("scheduler_e2e_scheduling_duration_seconds")
                .description("From a pod's first scheduling attempt to its binding")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
        this.scheduled = attempts(registry, "scheduled");
        this.unschedulable = attempts(registry, "unschedulable");
        this.error = attempts(registry, "error");
        // counters are named without "_total": the Prometheus registry adds it
        this.preemption = Counter.builder("scheduler_preemption_attempts")
                .description("Preemption attempts").register(registry);
        Gauge.builder("scheduler_pending_pods", queue, q -> q.pending().active()).tag("queue", "active")
                .register(registry);
        Gauge.builder("scheduler_pending_pods", queue, q -> q.pending().backoff()).tag("queue", "backoff")
                .register(registry);
        Gauge.builder("scheduler_pending_pods", queue, q -> q.pending().unschedulable())
                .tag("queue", "unschedulable").register(registry);
        // Micrometer holds its state object weakly: the binder, which the service keeps, not a method reference
        FunctionCounter.builder("scheduler_binding_requests", binder, Binder::sent)
                .description("Binding requests this replica sent").register(registry);
    }

    private static Counter attempts(MeterRegistry registry, String result) {
        return Counter.builder("scheduler_schedule_attempts").tag("result", result)
                .description("Scheduling attempts by result").register(registry);
    }

    void scheduled(Duration sinceFirstAttempt) {
        scheduled.increment();
        e2e.record(sinceFirstAttempt);
    }

    void unschedulable() {
        unschedulable.increment();
    }

    void error() {
        error.increment();
    }

    void preemption() {
        preemption.increment();
    }
}
