package io.berth.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The objects of the scheduling benchmarks, as Kubernetes' scheduler_perf templates them: {@code node-default.yaml}
 * (110 pods, 4 cpu, 32Gi, Ready; created by the admin with its status, as there is no kubelet) and
 * {@code pod-default.yaml} (one container, requests = limits = 100m and 500Mi, containerPort 80), plus
 * {@code pod-with-topology-spreading.yaml}'s constraint for the spread workload.
 */
final class SchedulerPerfTemplates {

    static final String ZONE_LABEL = "topology.kubernetes.io/zone";
    static final int ZONES = 3;
    /** Marks the benchmark's Nodes (value: the benchmark's name). */
    static final String BENCH_LABEL = "berth.io/bench";
    static final String SPREAD_APP = "spread";

    private SchedulerPerfTemplates() {
    }

    /** {@code <prefix><i>}: the benchmark's Node {@code i}. */
    static String nodeName(String prefix, int i) {
        return prefix + i;
    }

    /** The zone of Node {@code i} (round robin over zone-0, zone-1, zone-2). */
    static String zone(int i) {
        return "zone-" + (i % ZONES);
    }

    /** The zone number of a Node named by {@link #nodeName}, or -1 for a name that is not one. */
    static int zoneOf(String prefix, String nodeName) {
        if (nodeName == null || !nodeName.startsWith(prefix) || nodeName.length() == prefix.length()) {
            return -1;
        }
        try {
            return Integer.parseInt(nodeName.substring(prefix.length())) % ZONES;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Node {@code i}: labelled {@code kubernetes.io/hostname} and {@link #BENCH_LABEL}, and with {@code zoned} its
     * zone; capacity = allocatable; condition Ready=True with {@code now} as its times.
     */
    static byte[] node(String prefix, int i, String benchmark, boolean zoned, Instant now) {
        String name = nodeName(prefix, i);
        String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
        String resources = "{\"pods\":\"110\",\"cpu\":\"4\",\"memory\":\"32Gi\"}";
        return ("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"" + name + "\","
                + "\"labels\":{\"kubernetes.io/hostname\":\"" + name + "\",\"" + BENCH_LABEL + "\":\"" + benchmark
                + "\"" + (zoned ? ",\"" + ZONE_LABEL + "\":\"" + zone(i) + "\"" : "") + "}},"
                + "\"spec\":{},"
                + "\"status\":{\"capacity\":" + resources + ",\"allocatable\":" + resources + ","
                + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"KubeletReady\","
                + "\"message\":\"created by bin/berth bench " + benchmark + "\","
                + "\"lastHeartbeatTime\":\"" + time + "\",\"lastTransitionTime\":\"" + time + "\"}],"
                + "\"phase\":\"Running\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * pod-default.yaml's pod for {@code scheduler}; with {@code spread}, labelled {@code app=spread} and constrained
     * to a zone skew of 1 ({@code whenUnsatisfiable}: {@code DoNotSchedule} or {@code ScheduleAnyway}).
     */
    static byte[] pod(String name, String scheduler, String whenUnsatisfiable) {
        boolean spread = whenUnsatisfiable != null;
        String resources = "{\"cpu\":\"100m\",\"memory\":\"500Mi\"}";
        return ("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\""
                + (spread ? ",\"labels\":{\"app\":\"" + SPREAD_APP + "\"}" : "") + "},"
                + "\"spec\":{\"schedulerName\":\"" + scheduler + "\","
                + (spread ? "\"topologySpreadConstraints\":[{\"maxSkew\":1,\"topologyKey\":\"" + ZONE_LABEL + "\","
                + "\"whenUnsatisfiable\":\"" + whenUnsatisfiable + "\","
                + "\"labelSelector\":{\"matchLabels\":{\"app\":\"" + SPREAD_APP + "\"}}}]," : "")
                + "\"containers\":[{\"name\":\"pause\",\"image\":\"host\",\"ports\":[{\"containerPort\":80}],"
                + "\"resources\":{\"requests\":" + resources + ",\"limits\":" + resources + "}}]}}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
