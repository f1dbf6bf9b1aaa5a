package io.berth.bench;

import io.berth.testkit.ComponentHandle;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Why Deployments did not finish rolling out, from what the API lists (not what the watches saw): how many of their
 * pods are unscheduled, bound but not Running, or Running; how many ReplicaSets exist; how many Deployments are
 * complete and the state of the first that is not; and the controller manager's log. One line for a table cell and
 * the progress log. Best effort: what cannot be listed says so.
 */
final class RolloutDiagnosis {

    private RolloutDiagnosis() {
    }

    /**
     * e.g. {@code ; the API lists 9870 pods (120 unscheduled, e.g. deploy-7-5d9c-x2x: 0/50 nodes are available...; 0
     * bound not Running; 9750 Running), 1000 ReplicaSets, 987 of 1000 Deployments complete (e.g. deploy-17: 8 of 10
     * available, ...); controller manager log ...: 0 warnings, 0 errors}
     */
    static String why(GatewayClient api, String namespace, String prefix, ComponentHandle controller) {
        return "; the API lists " + pods(api, namespace, prefix) + ", " + replicaSets(api, namespace, prefix) + ", "
                + deployments(api, namespace, prefix) + "; " + (controller.isAlive()
                ? log("controller manager", controller.logFile())
                : "the controller manager EXITED: " + GatewayClient.abbreviate(controller.logTail(), 300));
    }

    private static String pods(GatewayClient api, String namespace, String prefix) {
        int[] counts = new int[4];  // all, unscheduled, bound not Running, Running
        String[] example = {null};
        try {
            api.forEachItem(Pods.podsPath(namespace), pod -> {
                if (!app(pod).startsWith(prefix)) {
                    return;
                }
                counts[0]++;
                if (pod.path("spec").path("nodeName").asString("").isEmpty()) {
                    counts[1]++;
                    if (example[0] == null) {
                        example[0] = pod.path("metadata").path("name").asString("") + ": " + scheduled(pod);
                    }
                } else if ("Running".equals(pod.path("status").path("phase").asString(""))) {
                    counts[3]++;
                } else {
                    counts[2]++;
                }
            });
        } catch (RuntimeException e) {
            return "pods unreadable (" + BenchMain.reason(e) + ")";
        }
        return counts[0] + " pods (" + counts[1] + " unscheduled" + (example[0] == null ? "" : ", e.g. " + example[0])
                + "; " + counts[2] + " bound not Running; " + counts[3] + " Running)";
    }

    private static String scheduled(JsonNode pod) {
        for (JsonNode c : pod.path("status").path("conditions")) {
            if ("PodScheduled".equals(c.path("type").asString(""))) {
                return GatewayClient.abbreviate(c.path("message").asString(c.toString()), 200);
            }
        }
        return "no PodScheduled condition yet";
    }

    private static String replicaSets(GatewayClient api, String namespace, String prefix) {
        int[] count = {0};
        try {
            api.forEachItem("/apis/apps/v1/namespaces/" + namespace + "/replicasets", rs -> {
                if (app(rs).startsWith(prefix)) {
                    count[0]++;
                }
            });
        } catch (RuntimeException e) {
            return "ReplicaSets unreadable (" + BenchMain.reason(e) + ")";
        }
        return count[0] + " ReplicaSets";
    }

    private static String deployments(GatewayClient api, String namespace, String prefix) {
        int[] counts = new int[2];  // all, complete
        String[] example = {null};
        try {
            api.forEachItem(RolloutWatch.deploymentsPath(namespace), d -> {
                String name = d.path("metadata").path("name").asString("");
                if (!name.startsWith(prefix)) {
                    return;
                }
                counts[0]++;
                if (RolloutWatch.complete(d)) {
                    counts[1]++;
                } else if (example[0] == null) {
                    example[0] = name + ": " + state(d);
                }
            });
        } catch (RuntimeException e) {
            return "Deployments unreadable (" + BenchMain.reason(e) + ")";
        }
        return counts[1] + " of " + counts[0] + " Deployments complete" + (example[0] == null ? ""
                : " (e.g. " + example[0] + ")");
    }

    /** e.g. {@code 8 of 10 available, 10 updated, observedGeneration 1 of 1, Available=False (MinimumReplicas...)}. */
    static String state(JsonNode deployment) {
        JsonNode status = deployment.path("status");
        StringBuilder out = new StringBuilder()
                .append(status.path("availableReplicas").asInt(0)).append(" of ")
                .append(deployment.path("spec").path("replicas").asInt(1)).append(" available, ")
                .append(status.path("updatedReplicas").asInt(0)).append(" updated, observedGeneration ")
                .append(status.path("observedGeneration").asLong(0)).append(" of ")
                .append(deployment.path("metadata").path("generation").asLong(0));
        for (JsonNode c : status.path("conditions")) {
            out.append(", ").append(c.path("type").asString("")).append('=').append(c.path("status").asString(""))
                    .append(" (").append(c.path("reason").asString("")).append(')');
        }
        return out.toString();
    }

    private static String app(JsonNode object) {
        return object.path("metadata").path("labels").path("app").asString("");
    }

    /**
     * e.g. {@code controller manager log /tmp/berth-cluster-1/controller-x.log: 2 warnings, 0 errors (last: ...)};
     * the file goes with the cluster unless the JVM runs with {@code -Dberth.keep-logs=true}.
     */
    static String log(String what, Path file) {
        long[] counts = new long[2];
        String[] last = {null};
        try (Stream<String> lines = Files.lines(file)) {
            lines.forEach(l -> {
                boolean warn = l.contains(" WARN ");
                boolean error = l.contains(" ERROR ");
                if (warn) {
                    counts[0]++;
                }
                if (error) {
                    counts[1]++;
                }
                if (warn || error) {
                    last[0] = l;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            return what + " log " + file + " unreadable: " + e.getMessage();
        }
        return what + " log " + file + ": " + counts[0] + " warnings, " + counts[1] + " errors"
                + (last[0] == null ? "" : " (last: " + GatewayClient.abbreviate(last[0], 300) + ")");
    }
}
