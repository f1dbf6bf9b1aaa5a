package io.berth.controller.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Meter;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One queue's metrics under client-go's workqueue names, tagged {@code name=<controller>}: {@code workqueue_depth},
 * {@code workqueue_adds_total}, {@code workqueue_queue_duration_seconds} (added → taken),
 * {@code workqueue_work_duration_seconds} (taken → done), {@code workqueue_retries_total},
 * {@code workqueue_unfinished_work_seconds} and {@code workqueue_longest_running_processor_seconds}. The gauges read
 * the queue given to {@link #bind}. {@link #close} removes them all, so a new leadership term registers afresh.
 */
public final class WorkQueueMetrics implements AutoCloseable {

    private final MeterRegistry registry;
    private final String name;
    private final Counter adds;
    private final Counter retries;
    private final DistributionSummary queueDuration;
    private final DistributionSummary workDuration;
    private final List<Meter> meters = new ArrayList<>();

    public WorkQueueMetrics(MeterRegistry registry, String name) {
        this.registry = registry;
        this.name = name;
        // counters are named without "_total": the Prometheus registry adds it
        this.adds = keep(Counter.builder("workqueue_adds").tag("name", name)
                .description("Adds handled by the workqueue").register(registry));
        this.retries = keep(Counter.builder("workqueue_retries").tag("name", name)
                .description("Retries handled by the workqueue").register(registry));
        this.queueDuration = keep(seconds("workqueue_queue_duration_seconds",
                "How long a key stays in the workqueue before it is taken"));
        this.workDuration = keep(seconds("workqueue_work_duration_seconds", "How long processing a key takes"));
    }

    /** No metrics: for tests. */
    public static WorkQueueMetrics none() {
        return new WorkQueueMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), "none");
    }

    private DistributionSummary seconds(String metric, String description) {
        return DistributionSummary.builder(metric).tag("name", name).baseUnit("seconds").description(description)
                .serviceLevelObjectives(1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10)
                .register(registry);
    }

    private <M extends Meter> M keep(M meter) {
        meters.add(meter);
        return meter;
    }

    /** Registers the gauges that read {@code queue}. */
    void bind(WorkQueue queue) {
        meters.add(Gauge.builder("workqueue_depth", queue, WorkQueue::length).tag("name", name)
                .description("Current depth of the workqueue").strongReference(true).register(registry));
        Supplier<double[]> unfinished = queue::unfinishedWorkSeconds;
        meters.add(Gauge.builder("workqueue_unfinished_work_seconds", unfinished, s -> s.get()[0]).tag("name", name)
                .description("Seconds of work in progress not yet observed by work_duration")
                .strongReference(true).register(registry));
        meters.add(Gauge.builder("workqueue_longest_running_processor_seconds", unfinished, s -> s.get()[1])
                .tag("name", name).description("How long the longest running processor has been running")
                .strongReference(true).register(registry));
    }

    void added() {
        adds.increment();
    }

    void retried() {
        retries.increment();
    }

    void waited(long nanos) {
        queueDuration.record(nanos / 1e9);
    }

    void worked(long nanos) {
        workDuration.record(nanos / 1e9);
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
        meters.clear();
    }
}
