package io.berth.gateway.limits;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class FlowRateLimitersTest {

    private static final PriorityLevelConfiguration LEVEL =
            new PriorityLevelConfiguration("global-default", false, 10, 0.25, 3, Duration.ofMinutes(1));

    @Test
    void aFlowGetsItsLimitPerPeriodThenTheTimeToItsNextPermission() {
        FlowRateLimiters limiters = new FlowRateLimiters(LEVEL, Duration.ofMinutes(5), 100, System::nanoTime);

        assertThat(limiters.tryAcquire("alice")).isZero();
        assertThat(limiters.tryAcquire("alice")).isZero();
        assertThat(limiters.tryAcquire("alice")).isZero();
        long wait = limiters.tryAcquire("alice");

        assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1).toNanos());
        assertThat(limiters.tryAcquire("bob")).as("another flow has its own limiter").isZero();
    }

    @Test
    void idleFlowsAreDroppedSoMemoryFollowsTheActiveUsers() {
        AtomicLong now = new AtomicLong(0);
        FlowRateLimiters limiters = new FlowRateLimiters(LEVEL, Duration.ofMinutes(2), 100, now::get);
        for (int i = 0; i < 50; i++) {
            limiters.tryAcquire("user-" + i);
        }
        assertThat(limiters.size()).isEqualTo(50);

        now.addAndGet(Duration.ofMinutes(3).toNanos());
        limiters.tryAcquire("late");

        assertThat(limiters.size()).isEqualTo(1);
    }

    @Test
    void theNumberOfFlowsNeverPassesTheMaximum() {
        FlowRateLimiters limiters = new FlowRateLimiters(LEVEL, Duration.ofMinutes(5), 10, System::nanoTime);

        for (int i = 0; i < 100; i++) {
            limiters.tryAcquire("user-" + i);
        }

        assertThat(limiters.size()).isLessThanOrEqualTo(10);
    }
}
