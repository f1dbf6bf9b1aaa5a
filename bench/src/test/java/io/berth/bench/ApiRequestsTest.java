package io.berth.bench;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class ApiRequestsTest {

    private static final String BEFORE = """
            # HELP apiserver_request_total
            # TYPE apiserver_request_total counter
            apiserver_request_total{code="201",group="",resource="pods",subresource="",verb="POST"} 10.0
            apiserver_request_total{code="409",group="",resource="pods",subresource="",verb="POST"} 1.0
            apiserver_request_total{code="200",group="",resource="pods",subresource="status",verb="PUT"} 4.0
            apiserver_request_duration_seconds_count{code="200",group="",resource="pods",subresource="status",verb="PUT"} 4.0
            """;
    private static final String AFTER = """
            apiserver_request_total{code="201",group="",resource="pods",subresource="",verb="POST"} 30.0
            apiserver_request_total{code="409",group="",resource="pods",subresource="",verb="POST"} 1.0
            apiserver_request_total{code="200",group="",resource="pods",subresource="status",verb="PUT"} 64.0
            apiserver_request_total{code="200",group="",resource="",subresource="",verb="GET"} 2.0
            """;

    @Test
    void countsAreSummedOverCodesAndTheDifferenceIsWhatTheWindowAsked() {
        Map<String, Double> before = new TreeMap<>();
        ApiRequests.parse(BEFORE, before);
        assertThat(before).containsExactlyInAnyOrderEntriesOf(Map.of("POST pods", 11.0, "PUT pods/status", 4.0));
        Map<String, Double> after = new TreeMap<>();
        ApiRequests.parse(AFTER, after);

        ApiRequests delta = new ApiRequests(after).since(new ApiRequests(before));

        assertThat(delta.counts()).containsExactlyInAnyOrderEntriesOf(
                Map.of("POST pods", 20.0, "PUT pods/status", 60.0, "GET (non-resource)", 2.0));
        assertThat(delta.describePer(20, "pod")).containsExactly(
                "api-service requests: 82 in all, 4.1 per pod",
                "    3.00 per pod  PUT pods/status",
                "    1.00 per pod  POST pods",
                "    0.10 per pod  GET (non-resource)");
    }
}
