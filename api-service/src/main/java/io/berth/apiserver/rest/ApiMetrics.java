package io.berth.apiserver.rest;

import io.berth.apimachinery.request.RequestInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

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

    public ApiMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(RequestInfo info, int code, long startNanos) {
        String verb = info.verb().toUpperCase();
        String resource = info.resourceRequest() ? info.resource() : "";
        String[] tags = {"verb", verb, "group", info.group(), "resource", resource,
                "subresource", info.subresource(), "code", Integer.toString(code)};
        Counter.builder("apiserver.request").tags(tags).register(registry).increment();
        Timer.builder("apiserver.request.duration")
                .tags(tags)
                .serviceLevelObjectives(BUCKETS)
                .register(registry)
                .record(Duration.ofNanos(System.nanoTime() - startNanos));
    }
}
