package io.berth.controller.runtime;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ExpectationsTest {

    private final AtomicLong now = new AtomicLong();
    private final Expectations expectations = new Expectations(Duration.ofMinutes(5), now::get);

    @Test
    void anOwnerWithNothingExpectedIsSatisfied() {
        assertThat(expectations.satisfied("ns/rs")).isTrue();
    }

    @Test
    void creationsAreAwaitedUntilEachIsObserved() {
        expectations.expectCreations("ns/rs", 2);
        assertThat(expectations.satisfied("ns/rs")).isFalse();
        expectations.creationObserved("ns/rs");
        assertThat(expectations.satisfied("ns/rs")).isFalse();
        expectations.creationObserved("ns/rs");
        assertThat(expectations.satisfied("ns/rs")).isTrue();
    }

    @Test
    void deletionsAreTrackedByKeySoTheSameDeletionSeenTwiceCountsOnce() {
        expectations.expectDeletions("ns/rs", Set.of("ns/p1", "ns/p2"));
        expectations.deletionObserved("ns/rs", "ns/p1");
        expectations.deletionObserved("ns/rs", "ns/p1");
        assertThat(expectations.satisfied("ns/rs")).isFalse();
        expectations.deletionObserved("ns/rs", "ns/p2");
        assertThat(expectations.satisfied("ns/rs")).isTrue();
    }

    @Test
    void expectationsExpireSoALostEventCannotWedgeTheOwner() {
        expectations.expectCreations("ns/rs", 3);
        now.addAndGet(Duration.ofMinutes(5).plusSeconds(1).toNanos());
        assertThat(expectations.satisfied("ns/rs")).isTrue();
    }

    @Test
    void forgettingAnOwnerDropsWhatItWaitedFor() {
        expectations.expectCreations("ns/rs", 3);
        expectations.forget("ns/rs");
        assertThat(expectations.satisfied("ns/rs")).isTrue();
    }
}
