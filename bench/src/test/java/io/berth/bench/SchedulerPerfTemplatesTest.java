package io.berth.bench;

import io.berth.apimachinery.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class SchedulerPerfTemplatesTest {

    record ZoneCase(String nodeName, int expected) {
    }

    static Stream<ZoneCase> aNodesZoneFollowsItsNumberRoundRobin() {
        return Stream.of(new ZoneCase("bench-node-0", 0), new ZoneCase("bench-node-1", 1),
                new ZoneCase("bench-node-2", 2), new ZoneCase("bench-node-4999", 4999 % 3),
                new ZoneCase("other-node-1", -1), new ZoneCase("bench-node-", -1), new ZoneCase("bench-node-x", -1),
                new ZoneCase(null, -1));
    }

    @ParameterizedTest
    @MethodSource
    void aNodesZoneFollowsItsNumberRoundRobin(ZoneCase c) {
        assertThat(SchedulerPerfTemplates.zoneOf("bench-node-", c.nodeName())).isEqualTo(c.expected());
        if (c.expected() >= 0) {
            int i = Integer.parseInt(c.nodeName().substring("bench-node-".length()));
            assertThat(SchedulerPerfTemplates.zone(i)).isEqualTo("zone-" + c.expected());
        }
    }

    @Test
    void aNodeIsSchedulerPerfsDefaultNodeReadyWithItsLabels() {
        JsonNode node = Json.tree(SchedulerPerfTemplates.node("bench-node-", 4, "scheduling-spread", true,
                Instant.parse("2025-01-02T03:04:05.678Z")));
        assertThat(node.path("metadata").path("name").asString()).isEqualTo("bench-node-4");
        JsonNode labels = node.path("metadata").path("labels");
        assertThat(labels.path("kubernetes.io/hostname").asString()).isEqualTo("bench-node-4");
        assertThat(labels.path("berth.io/bench").asString()).isEqualTo("scheduling-spread");
        assertThat(labels.path("topology.kubernetes.io/zone").asString()).isEqualTo("zone-1");
        for (String field : new String[] {"capacity", "allocatable"}) {
            JsonNode r = node.path("status").path(field);
            assertThat(r.path("pods").asString() + " " + r.path("cpu").asString() + " " + r.path("memory").asString())
                    .isEqualTo("110 4 32Gi");
        }
        JsonNode ready = node.path("status").path("conditions").get(0);
        assertThat(ready.path("type").asString() + "=" + ready.path("status").asString()).isEqualTo("Ready=True");
        assertThat(ready.path("lastHeartbeatTime").asString()).isEqualTo("2025-01-02T03:04:05Z");
        assertThat(Json.tree(SchedulerPerfTemplates.node("bench-node-", 4, "scheduling-basic", false, Instant.EPOCH))
                .path("metadata").path("labels").has("topology.kubernetes.io/zone")).isFalse();
    }

    @Test
    void aPodIsSchedulerPerfsDefaultPodForTheBenchmarksScheduler() {
        JsonNode pod = Json.tree(SchedulerPerfTemplates.pod("pod-3", "bench-sched", null));
        assertThat(pod.path("spec").path("schedulerName").asString()).isEqualTo("bench-sched");
        assertThat(pod.path("spec").has("topologySpreadConstraints")).isFalse();
        JsonNode container = pod.path("spec").path("containers").get(0);
        assertThat(container.path("ports").get(0).path("containerPort").asInt()).isEqualTo(80);
        for (String field : new String[] {"requests", "limits"}) {
            JsonNode r = container.path("resources").path(field);
            assertThat(r.path("cpu").asString() + " " + r.path("memory").asString()).isEqualTo("100m 500Mi");
        }
    }

    @Test
    void aSpreadPodIsLabelledAndConstrainedToAZoneSkewOfOne() {
        JsonNode pod = Json.tree(SchedulerPerfTemplates.pod("pod-3", "bench-sched", "DoNotSchedule"));
        assertThat(pod.path("metadata").path("labels").path("app").asString()).isEqualTo("spread");
        JsonNode c = pod.path("spec").path("topologySpreadConstraints").get(0);
        assertThat(c.path("maxSkew").asInt()).isEqualTo(1);
        assertThat(c.path("topologyKey").asString()).isEqualTo("topology.kubernetes.io/zone");
        assertThat(c.path("whenUnsatisfiable").asString()).isEqualTo("DoNotSchedule");
        assertThat(c.path("labelSelector").path("matchLabels").path("app").asString()).isEqualTo("spread");
    }

    @Test
    void theSchedulersAttemptsAreReadFromItsPrometheusText() {
        String text = """
                # HELP scheduler_schedule_attempts_total Scheduling attempts by result
                # TYPE scheduler_schedule_attempts_total counter
                scheduler_schedule_attempts_total{result="error"} 2.0
                scheduler_schedule_attempts_total{result="scheduled"} 11000.0
                scheduler_schedule_attempts_total{result="unschedulable"} 0.0
                scheduler_e2e_scheduling_duration_seconds_bucket{le="0.001"} 3.0
                scheduler_e2e_scheduling_duration_seconds_count 11000
                scheduler_e2e_scheduling_duration_seconds_sum 5500.0
                scheduler_pending_pods{queue="active"} 3.0
                """;
        SchedulerProbe.Attempts a = SchedulerProbe.Attempts.parse(text);
        assertThat(a).isEqualTo(new SchedulerProbe.Attempts(11000, 0, 2, 5500, 11000));
        SchedulerProbe.Attempts measured = a.minus(new SchedulerProbe.Attempts(1000, 0, 1, 500, 1000));
        assertThat(measured).isEqualTo(new SchedulerProbe.Attempts(10000, 0, 1, 5000, 10000));
        assertThat(measured.e2eMean()).isEqualTo(0.5);
        assertThat(SchedulerProbe.Attempts.UNKNOWN.e2eMean()).isNaN();
    }
}
