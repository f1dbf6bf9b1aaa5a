package io.berth.scheduler.api;

import io.berth.apimachinery.client.ApiCalls;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Objects;

/**
 * What users see of the scheduler's decisions: Events {@code Scheduled} and {@code FailedScheduling} on the pod, and
 * its {@code PodScheduled=False} condition (reason {@code Unschedulable}) while no node fits. Both go in the
 * background lane of {@link ApiCalls}, behind nothing a binding waits for, and are best effort (dropped beyond its
 * backlog, as Kubernetes' broadcaster drops under load); the condition is written only when it changes. Thread safe.
 */
public final class Recorder {

    public static final String COMPONENT = "default-scheduler";

    private final ApiCalls api;
    private final KubernetesSerialization json;
    private final Clock clock;
    private final String instance;

    public Recorder(ApiCalls api, KubernetesSerialization json, Clock clock, String instance) {
        this.api = api;
        this.json = json;
        this.clock = clock;
        this.instance = instance;
    }

    public void scheduled(Pod pod, String node) {
        event(pod, "Normal", "Scheduled", "Binding", "Successfully assigned " + pod.getMetadata().getNamespace()
                + "/" + pod.getMetadata().getName() + " to " + node);
    }

    /** A FailedScheduling event and, when it changed, the pod's PodScheduled=False condition. */
    public void unschedulable(Pod pod, String message, String reason) {
        event(pod, "Warning", "FailedScheduling", "Scheduling", message);
        PodCondition current = pod.getStatus() == null || pod.getStatus().getConditions() == null ? null
                : pod.getStatus().getConditions().stream().filter(c -> "PodScheduled".equals(c.getType()))
                .findFirst().orElse(null);
        if (current != null && "False".equals(current.getStatus()) && reason.equals(current.getReason())
                && Objects.equals(message, current.getMessage())) {
            return;
        }
        String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        Map<String, Object> condition = Map.of("type", "PodScheduled", "status", "False", "reason", reason,
                "message", message, "lastTransitionTime", now);
        String patch = json.asJson(Map.of("status", Map.of("conditions", java.util.List.of(condition))));
        api.sendLater("PATCH", "/api/v1/namespaces/" + pod.getMetadata().getNamespace() + "/pods/"
                + pod.getMetadata().getName() + "/status", "application/strategic-merge-patch+json", patch);
    }

    private void event(Pod pod, String type, String reason, String action, String message) {
        String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        String ns = pod.getMetadata().getNamespace();
        Event e = new EventBuilder()
                .withNewMetadata().withNamespace(ns)
                .withName(pod.getMetadata().getName() + "." + Long.toHexString(clock.instant().toEpochMilli() * 1_000_000
                        + System.nanoTime() % 1_000_000))
                .endMetadata()
                .withNewInvolvedObject().withApiVersion("v1").withKind("Pod").withNamespace(ns)
                .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid())
                .withResourceVersion(pod.getMetadata().getResourceVersion()).endInvolvedObject()
                .withType(type).withReason(reason).withAction(action).withMessage(message)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT).withReportingInstance(instance)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .build();
        api.sendLater("POST", "/api/v1/namespaces/" + ns + "/events", "application/json", json.asJson(e));
    }

    /** The message of a {@code Status} answer, or its code when the body is not one. */
    static String statusMessage(KubernetesSerialization json, ApiCalls.Answer answer) {
        try {
            Status s = json.unmarshal(answer.body(), Status.class);
            if (s != null && s.getMessage() != null) {
                return s.getMessage();
            }
        } catch (RuntimeException ignored) {
            // not a Status: say what came back
        }
        return "HTTP " + answer.code();
    }
}
