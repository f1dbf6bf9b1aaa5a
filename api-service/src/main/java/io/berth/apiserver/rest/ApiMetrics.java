package io.berth.apiserver.rest;

import io.berth.apimachinery.request.RequestInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Kubernetes' request metrics: {@code apiserver_request_total} and {@code apiserver_request_duration_seconds}
 * (histogram with Kubernetes' buckets) by verb, group, resource, subresource and code. Thread safe.
 */
public final class ApiMetrics {

    private static final Duration[] BUCKETS = {
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60)};

    private final MeterRegistry registry;
    private final Map<String, Meters> meters = new ConcurrentHashMap<>();

    private record Meters(Counter count, Timer duration) {
    }

    public ApiMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(RequestInfo info, int code, long startNanos) {
        String resource = info.resourceRequest() ? info.resource() : "";
        String key = info.verb() + '|' + info.group() + '|' + resource + '|' + info.subresource() + '|' + code;
        Meters m = meters.computeIfAbsent(key, k -> {
            String[] tags = {"verb", info.verb().toUpperCase(), "group", info.group(), "resource", resource,
                    "subresource", info.subresource(), "code", Integer.toString(code)};
            return new Meters(Counter.builder("apiserver.request").tags(tags).register(registry),
                    Timer.builder("apiserver.request.duration").tags(tags).serviceLevelObjectives(BUCKETS)
                            .register(registry));
        });
        m.count().increment();
        m.duration().record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }
}
