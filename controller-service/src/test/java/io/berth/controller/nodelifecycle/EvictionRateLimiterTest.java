package io.berth.controller.nodelifecycle;

import org.junit.jupiter.api.Test;

import static io.berth.controller.nodelifecycle.Fixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

class EvictionRateLimiterTest {

    /** Kubernetes' default: one node every 10 s. */
    private final EvictionRateLimiter limiter = new EvictionRateLimiter(0.1);

    @Test
    void theFirstNodeIsAdmittedAtOnce() {
        assertThat(limiter.turn("a", at(0))).isEqualTo(at(0));
    }

    @Test
    void nodesThatAskTogetherAreAdmittedOneEveryTenSecondsInTheOrderTheyAsked() {
        assertThat(limiter.turn("a", at(0))).isEqualTo(at(0));
        assertThat(limiter.turn("b", at(0))).isEqualTo(at(10));
        assertThat(limiter.turn("c", at(1))).isEqualTo(at(20));
    }

    @Test
    void aNodeThatAsksAgainKeepsItsTurn() {
        limiter.turn("a", at(0));
        limiter.turn("b", at(0));

        assertThat(limiter.turn("b", at(5))).isEqualTo(at(10));
        assertThat(limiter.turn("c", at(5))).isEqualTo(at(20));
    }

    @Test
    void afterAQuietSpellTheNextNodeIsAdmittedAtOnceButNoBurstBuildsUp() {
        limiter.turn("a", at(0));
        limiter.release("a");

        assertThat(limiter.turn("b", at(60))).isEqualTo(at(60));
        assertThat(limiter.turn("c", at(60))).isEqualTo(at(70));
    }

    @Test
    void aReleasedNodeThatAsksAgainQueuesAnew() {
        limiter.turn("a", at(0));
        limiter.release("a");

        assertThat(limiter.turn("a", at(1))).isEqualTo(at(10));
    }

    @Test
    void aRateOfZeroAdmitsNobody() {
        assertThat(new EvictionRateLimiter(0).turn("a", at(0))).isNull();
    }
}
