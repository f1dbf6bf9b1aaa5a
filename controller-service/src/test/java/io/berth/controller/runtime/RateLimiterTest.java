package io.berth.controller.runtime;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimiterTest {

    private final AtomicLong now = new AtomicLong();

    @Test
    void aFailingKeyBacksOffExponentiallyUpToTheMaximumAndForgetStartsItOver() {
        RateLimiter limiter = new RateLimiter(Duration.ofMillis(5), Duration.ofSeconds(1), 1_000, 1_000, now::get);
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(5));
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(10));
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(20));
        for (int i = 0; i < 20; i++) {
            limiter.when("a");
        }
        assertThat(limiter.when("a")).isEqualTo(Duration.ofSeconds(1));
        assertThat(limiter.numRequeues("a")).isEqualTo(24);
        // another key has its own back-off
        assertThat(limiter.when("b")).isEqualTo(Duration.ofMillis(5));
        limiter.forget("a");
        assertThat(limiter.numRequeues("a")).isZero();
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void theOverallBucketSpacesRetriesOnceItsBurstIsSpent() {
        RateLimiter limiter = new RateLimiter(Duration.ofMillis(1), Duration.ofSeconds(1000), 10, 2, now::get);
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(1));
        assertThat(limiter.when("b")).isEqualTo(Duration.ofMillis(1));
        // the burst of 2 is spent: the third waits a tenth of a second (10 qps), the fourth two tenths
        assertThat(limiter.when("c")).isEqualTo(Duration.ofMillis(100));
        assertThat(limiter.when("d")).isEqualTo(Duration.ofMillis(200));
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(limiter.when("e")).isEqualTo(Duration.ofMillis(1));
    }
}
