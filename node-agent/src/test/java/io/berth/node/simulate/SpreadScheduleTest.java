package io.berth.node.simulate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpreadScheduleTest {

    private static final long SECOND = 1_000_000_000L;

    record Case(String name, int members, Duration period, Duration resolution, int slots) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("one node: one slot", 1, Duration.ofSeconds(10), Duration.ofMillis(10), 1),
                new Case("fewer nodes than slots: a slot per node", 7, Duration.ofSeconds(10), Duration.ofMillis(10),
                        7),
                new Case("1,000 nodes over 10 s at 10 ms: a node per slot", 1000, Duration.ofSeconds(10),
                        Duration.ofMillis(10), 1000),
                new Case("5,000 nodes over 10 s at 10 ms: five per slot", 5000, Duration.ofSeconds(10),
                        Duration.ofMillis(10), 1000),
                new Case("3 nodes over a minute", 3, Duration.ofMinutes(1), Duration.ofMillis(10), 3),
                new Case("uneven: 1,001 nodes in 1,000 slots", 1001, Duration.ofSeconds(10), Duration.ofMillis(10),
                        1000),
                new Case("a period shorter than the resolution: one slot", 50, Duration.ofMillis(5),
                        Duration.ofMillis(10), 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyMemberIsInExactlyOneSlotDueAtMostOneSlotEarlyAndNeverLate(Case c) {
        SpreadSchedule s = SpreadSchedule.of(c.members(), c.period(), c.resolution());
        assertThat(s.slots()).isEqualTo(c.slots());
        assertThat(s.firstMember(0)).isZero();
        assertThat(s.firstMember(s.slots())).isEqualTo(c.members());
        long slotWidth = s.periodNanos() / s.slots() + 1;
        int covered = 0;
        for (int k = 0; k < s.slots(); k++) {
            assertThat(s.endMember(k)).as("slot %d is not empty", k).isGreaterThan(s.firstMember(k));
            for (int i = s.firstMember(k); i < s.endMember(k); i++) {
                assertThat(s.slotOf(i)).isEqualTo(k);
                long early = s.offsetNanos(i) - s.slotOffsetNanos(k);
                assertThat(early).as("member %d runs before its own offset by less than a slot", i)
                        .isBetween(0L, slotWidth);
                covered++;
            }
            if (k > 0) {
                assertThat(s.slotOffsetNanos(k)).isGreaterThanOrEqualTo(s.slotOffsetNanos(k - 1));
            }
        }
        assertThat(covered).isEqualTo(c.members());
        assertThat(s.slotOffsetNanos(s.slots() - 1)).isLessThan(s.periodNanos());
    }

    record Offset(int members, int member, long offsetNanos) {
    }

    static Stream<Offset> offsets() {
        return Stream.of(
                new Offset(1000, 0, 0),
                new Offset(1000, 1, 10_000_000),
                new Offset(1000, 999, 9_990_000_000L),
                new Offset(5000, 2500, 5 * SECOND),
                new Offset(3, 1, 3_333_333_333L));
    }

    @ParameterizedTest(name = "member {1} of {0} at {2} ns")
    @MethodSource("offsets")
    void memberIIsDueAtITimesPeriodOverMembers(Offset c) {
        assertThat(SpreadSchedule.of(c.members(), Duration.ofSeconds(10), Duration.ofMillis(10))
                .offsetNanos(c.member())).isEqualTo(c.offsetNanos());
    }

    @Test
    void refusesAnEmptySchedule() {
        assertThatThrownBy(() -> new SpreadSchedule(0, SECOND, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SpreadSchedule(5, SECOND, 6)).isInstanceOf(IllegalArgumentException.class);
    }
}
