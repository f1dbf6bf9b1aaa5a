package io.berth.controller.runtime;

import io.berth.apimachinery.client.ApiCalls;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Events ({@code core/v1}) about what the controllers do, from component {@code source}: {@code SuccessfulCreate},
 * {@code ScalingReplicaSet}, {@code NodeNotReady}, ... Best effort, in the background lane of {@link ApiCalls}: never
 * in front of the writes they describe, dropped beyond its backlog as Kubernetes' broadcaster drops under load.
 * Thread safe.
 */
public final class EventRecorder {

    /** Where events go: the API, or a test's list. */
    @FunctionalInterface
    public interface Sink {
        void send(Event event);
    }

    private final Sink sink;
    private final Clock clock;
    private final String source;
    private final String instance;
    private final AtomicLong sequence = new AtomicLong();

    public EventRecorder(ApiCalls api, KubernetesSerialization json, Clock clock, String source, String instance) {
        this(e -> api.sendLater("POST", "/api/v1/namespaces/" + e.getMetadata().getNamespace() + "/events",
                "application/json", json.asJson(e)), clock, source, instance);
    }

    public EventRecorder(Sink sink, Clock clock, String source, String instance) {
        this.sink = sink;
        this.clock = clock;
        this.source = source;
        this.instance = instance;
    }

    public void normal(HasMetadata about, String reason, String message) {
        record(about, "Normal", reason, message);
    }

    public void warning(HasMetadata about, String reason, String message) {
        record(about, "Warning", reason, message);
    }

    private void record(HasMetadata about, String type, String reason, String message) {
        String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
        String ns = about.getMetadata().getNamespace() == null || about.getMetadata().getNamespace().isEmpty()
                ? "default" : about.getMetadata().getNamespace();
        // Kubernetes names an event <object>.<hex of the time in ns>; the sequence keeps names unique per replica
        String suffix = Long.toHexString(clock.instant().toEpochMilli() * 1_000_000 + sequence.incrementAndGet() % 1_000_000);
        Event e = new EventBuilder()
                .withNewMetadata().withNamespace(ns).withName(about.getMetadata().getName() + "." + suffix).endMetadata()
                .withNewInvolvedObject().withApiVersion(about.getApiVersion()).withKind(about.getKind())
                .withNamespace(about.getMetadata().getNamespace()).withName(about.getMetadata().getName())
                .withUid(about.getMetadata().getUid()).withResourceVersion(about.getMetadata().getResourceVersion())
                .endInvolvedObject()
                .withType(type).withReason(reason).withMessage(message)
                .withNewSource().withComponent(source).endSource()
                .withReportingComponent(source).withReportingInstance(instance)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .build();
        sink.send(e);
    }
}
