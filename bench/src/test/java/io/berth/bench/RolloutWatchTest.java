package io.berth.bench;

import io.berth.apimachinery.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class RolloutWatchTest {

    private static final String PENDING = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":"
            + "\"deploy-3-6b8f7c-x2x9q\",\"namespace\":\"bench-deployments\",\"labels\":{\"app\":\"deploy-3\","
            + "\"pod-template-hash\":\"6b8f7c\"}},\"spec\":{\"nodeName\":\"deployments-node-7\",\"containers\":"
            + "[{\"name\":\"app\",\"image\":\"registry.local/bench/app:1.0\"}]},\"status\":{\"phase\":\"Pending\"}}";
    private static final String RUNNING = PENDING.replace("\"phase\":\"Pending\"", "\"phase\":\"Running\","
            + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]");

    record PodCase(String name, String line, RolloutWatch.PodEvent expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<PodCase> findsThePodsSeenRunningAndTheirDeployment() {
        RolloutWatch.PodEvent running = new RolloutWatch.PodEvent("deploy-3-6b8f7c-x2x9q", "deploy-3", null);
        return Stream.of(
                new PodCase("a pod modified to Running", event("MODIFIED", RUNNING), running),
                new PodCase("a pod added Running (a watch resumed)", event("ADDED", RUNNING), running),
                new PodCase("a pending pod", event("MODIFIED", PENDING), null),
                new PodCase("a Running pod deleted", event("DELETED", RUNNING), null),
                new PodCase("Running only in a message", event("MODIFIED", PENDING.replace("\"phase\":\"Pending\"",
                        "\"phase\":\"Pending\",\"message\":\"\\\"Running\\\" soon\"")), null),
                new PodCase("a Running pod without an app label", event("MODIFIED",
                        RUNNING.replace("\"app\":\"deploy-3\",", "")), null),
                new PodCase("an expired resourceVersion", "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\","
                        + "\"message\":\"too old resource version: 5 (90)\",\"code\":410}}",
                        new RolloutWatch.PodEvent(null, null, "watch error event: too old resource version: 5 (90)")),
                new PodCase("a BOOKMARK", "{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":"
                        + "\"5\"}}}", null));
    }

    @ParameterizedTest
    @MethodSource
    void findsThePodsSeenRunningAndTheirDeployment(PodCase c) {
        byte[] padded = ("xx" + c.line() + "yy").getBytes(StandardCharsets.UTF_8);
        assertThat(RolloutWatch.podEvent(padded, 2, padded.length - 4)).isEqualTo(c.expected());
    }

    private static final String COMPLETE = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":"
            + "\"deploy-3\",\"generation\":1},\"spec\":{\"replicas\":10},\"status\":{\"observedGeneration\":1,"
            + "\"replicas\":10,\"updatedReplicas\":10,\"readyReplicas\":10,\"availableReplicas\":10,\"conditions\":["
            + "{\"type\":\"Available\",\"status\":\"True\",\"reason\":\"MinimumReplicasAvailable\"},"
            + "{\"type\":\"Progressing\",\"status\":\"True\",\"reason\":\"NewReplicaSetAvailable\"}]}}";

    record DeploymentCase(String name, String deployment, boolean complete) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<DeploymentCase> aDeploymentIsCompleteWhenEveryReplicaIsAvailableForItsLatestSpec() {
        return Stream.of(
                new DeploymentCase("every replica available, Available True, generation observed", COMPLETE, true),
                new DeploymentCase("Available True with 8 of 10 (within maxUnavailable)",
                        COMPLETE.replace("\"availableReplicas\":10", "\"availableReplicas\":8"), false),
                new DeploymentCase("Available False", COMPLETE.replace("\"status\":\"True\",\"reason\":\"Minimum",
                        "\"status\":\"False\",\"reason\":\"Minimum"), false),
                new DeploymentCase("no conditions yet", COMPLETE.replace(",\"conditions\":[", ",\"x\":["), false),
                new DeploymentCase("status of an older generation", COMPLETE.replace("\"generation\":1",
                        "\"generation\":2"), false),
                new DeploymentCase("no status at all", "{\"metadata\":{\"name\":\"deploy-3\",\"generation\":1},"
                        + "\"spec\":{\"replicas\":10}}", false),
                new DeploymentCase("replicas defaulted to 1", COMPLETE.replace("\"replicas\":10},", "},")
                        .replace("\"availableReplicas\":10", "\"availableReplicas\":1"), true));
    }

    @ParameterizedTest
    @MethodSource
    void aDeploymentIsCompleteWhenEveryReplicaIsAvailableForItsLatestSpec(DeploymentCase c) {
        assertThat(RolloutWatch.complete(Json.tree(c.deployment().getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(c.complete());
        byte[] line = event("MODIFIED", c.deployment()).getBytes(StandardCharsets.UTF_8);
        RolloutWatch.DeploymentEvent event = RolloutWatch.deploymentEvent(line, 0, line.length);
        assertThat(event).isEqualTo(c.complete() ? new RolloutWatch.DeploymentEvent("deploy-3", null) : null);
    }

    @Test
    void aCompleteDeploymentDeletedIsNotReported() {
        byte[] line = event("DELETED", COMPLETE).getBytes(StandardCharsets.UTF_8);
        assertThat(RolloutWatch.deploymentEvent(line, 0, line.length)).isNull();
    }

    @Test
    void theDeploymentsStateNamesItsCountsAndConditions() {
        String state = RolloutDiagnosis.state(Json.tree(COMPLETE.replace("\"availableReplicas\":10",
                "\"availableReplicas\":8").getBytes(StandardCharsets.UTF_8)));
        assertThat(state).isEqualTo("8 of 10 available, 10 updated, observedGeneration 1 of 1, "
                + "Available=True (MinimumReplicasAvailable), Progressing=True (NewReplicaSetAvailable)");
    }

    private static String event(String type, String object) {
        return "{\"type\":\"" + type + "\",\"object\":" + object + "}";
    }
}
