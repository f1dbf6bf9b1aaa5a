package io.berth.scheduler.api;

import io.berth.apimachinery.client.ApiCalls;
import io.berth.scheduler.plugins.defaultpreemption.DefaultPreemption;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Preemption's writes, as Kubernetes' scheduler makes them: the victim gets the condition
 * {@code DisruptionTarget=True} (reason {@code PreemptionByScheduler}) and a Preempted event, then is deleted with
 * its uid as precondition (so a pod recreated under the same name is never hit); the preemptor's
 * {@code status.nominatedNodeName} is set. Asynchronous and best effort: a failed eviction leaves the preemptor to
 * try again after its back-off. Thread safe.
 */
public final class Evictions implements DefaultPreemption.Actions {

    private final ApiCalls api;
    private final KubernetesSerialization json;
    private final Clock clock;

    public Evictions(ApiCalls api, KubernetesSerialization json, Clock clock) {
        this.api = api;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void evict(Pod victim, Pod preemptor) {
        String path = "/api/v1/namespaces/" + victim.getMetadata().getNamespace() + "/pods/"
                + victim.getMetadata().getName();
        String message = Recorder.COMPONENT + ": preempting to accommodate a higher priority pod";
        Map<String, Object> condition = Map.of("type", "DisruptionTarget", "status", "True",
                "reason", "PreemptionByScheduler", "message", message,
                "lastTransitionTime", DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS)));
        String patch = json.asJson(Map.of("status", Map.of("conditions", List.of(condition))));
        String delete = json.asJson(Map.of("apiVersion", "v1", "kind", "DeleteOptions",
                "preconditions", Map.of("uid", victim.getMetadata().getUid())));
        api.send("PATCH", path + "/status", "application/strategic-merge-patch+json", patch)
                .thenCompose(ignored -> api.send("DELETE", path, "application/json", delete));
    }

    @Override
    public void nominate(Pod preemptor, String node) {
        String patch = json.asJson(Map.of("status", Map.of("nominatedNodeName", node)));
        api.send("PATCH", "/api/v1/namespaces/" + preemptor.getMetadata().getNamespace() + "/pods/"
                + preemptor.getMetadata().getName() + "/status", "application/strategic-merge-patch+json", patch);
    }
}
