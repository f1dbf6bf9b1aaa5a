package io.berth.bench;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class LoadLoopsTest {

    @Test
    void anOpenLoopStartsEveryRequestOnScheduleAndTimesItFromTheSchedule() {
        Latencies latencies = new Latencies();
        OpenLoop.Result result = OpenLoop.run(100, Duration.ofMillis(500),
                i -> Mono.delay(Duration.ofMillis(50)), latencies, Duration.ofSeconds(5));
        assertThat(result.scheduled()).isEqualTo(50);
        assertThat(result.completed()).isEqualTo(50);
        assertThat(result.errors()).isZero();
        assertThat(latencies.percentile(1)).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
    }

    @Test
    void anOpenLoopRecordsRequestsWithoutAnAnswerAsLost() {
        Latencies latencies = new Latencies();
        OpenLoop.Result result = OpenLoop.run(100, Duration.ofMillis(100), i -> Mono.never(), latencies,
                Duration.ofMillis(100));
        assertThat(result.lost()).isEqualTo(10);
        assertThat(result.completed()).isZero();
        assertThat(latencies.percentile(50)).isEqualTo(Latencies.LOST);
        assertThat(result.firstError()).contains("no answer");
    }

    @Test
    void anOpenLoopCountsFailuresWithoutRecordingTheirLatency() {
        Latencies latencies = new Latencies();
        OpenLoop.Result result = OpenLoop.run(100, Duration.ofMillis(100),
                i -> i % 2 == 0 ? Mono.error(new IllegalStateException("HTTP 500")) : Mono.just(i), latencies,
                Duration.ofSeconds(5));
        assertThat(result.failed()).isEqualTo(5);
        assertThat(result.completed()).isEqualTo(5);
        assertThat(latencies.count()).isEqualTo(5);
        assertThat(result.firstError()).isEqualTo("IllegalStateException: HTTP 500");
    }

    @Test
    void aClosedLoopKeepsItsWorkersBusyAndSurvivesFailures() {
        Latencies latencies = new Latencies();
        ClosedLoop.Result result = ClosedLoop.run(4, Duration.ofMillis(500),
                i -> i == 0 ? Mono.error(new IllegalStateException("boom")) : Mono.delay(Duration.ofMillis(10)),
                latencies);
        assertThat(result.failed()).isEqualTo(1);
        // 4 workers for 500 ms at 10 ms a request: about 200; a slow machine manages fewer
        assertThat(result.completed()).isBetween(20, 200);
        assertThat(latencies.count()).isEqualTo(result.completed());
        assertThat(result.firstError()).isEqualTo("IllegalStateException: boom");
    }
}
