package io.berth.node.simulate;

import java.time.Duration;

/**
 * Spreads {@code members} periodic tasks evenly over one {@code period}, as the kubelets of a real cluster are
 * spread by their start times: member {@code i} is due at offset {@code i × period / members} in every period.
 * Members are grouped into {@code slots} consecutive groups (one timer each, so 5,000 nodes need not be 5,000 timers);
 * a slot is due at the offset of its first member, so a member runs at most one slot width early and never late.
 * Immutable; pure arithmetic.
 *
 * @param members     how many tasks; at least 1
 * @param periodNanos the period every member repeats at
 * @param slots       how many groups; 1 to {@code members}
 */
record SpreadSchedule(int members, long periodNanos, int slots) {

    SpreadSchedule {
        if (members < 1 || periodNanos < 1 || slots < 1 || slots > members) {
            throw new IllegalArgumentException("members " + members + ", period " + periodNanos + " ns, slots " + slots
                    + ": need members >= 1, period > 0, 1 <= slots <= members");
        }
    }

    /** A schedule whose slots are at least {@code resolution} apart (and at most one member each). */
    static SpreadSchedule of(int members, Duration period, Duration resolution) {
        long byResolution = Math.max(1, period.toNanos() / Math.max(1, resolution.toNanos()));
        return new SpreadSchedule(members, period.toNanos(), (int) Math.min(members, byResolution));
    }

    /** Member {@code i}'s own offset in the period: {@code i × period / members}. */
    long offsetNanos(int member) {
        // members × period stays far below 2^63 for any sane count and period (5,000 × 1 h is 1.8e16)
        return Math.multiplyExact((long) member, periodNanos) / members;
    }

    /** The slot member {@code i} belongs to. */
    int slotOf(int member) {
        return (int) ((long) member * slots / members);
    }

    /** The first member of slot {@code k}; {@code firstMember(slots)} is {@code members}. */
    int firstMember(int slot) {
        return (int) (((long) slot * members + slots - 1) / slots);
    }

    /** One past the last member of slot {@code k}. */
    int endMember(int slot) {
        return firstMember(slot + 1);
    }

    /** When slot {@code k} is due in each period: its first member's offset. */
    long slotOffsetNanos(int slot) {
        return offsetNanos(firstMember(slot));
    }
}
