package io.berth.controller.nodeipam;

import org.junit.jupiter.api.Test;

import static io.berth.controller.nodeipam.RangeAllocator.Action.FULL;
import static io.berth.controller.nodeipam.RangeAllocator.Action.NONE;
import static io.berth.controller.nodeipam.RangeAllocator.Action.PATCH;
import static io.berth.controller.nodeipam.RangeAllocator.Action.STILL_FULL;
import static org.assertj.core.api.Assertions.assertThat;

class RangeAllocatorTest {

    /** Four blocks: 10.0.0.0/24 to 10.0.3.0/24. */
    private final RangeAllocator allocator = new RangeAllocator("10.0.0.0/22", 24);

    @Test
    void aNodeWithoutACidrGetsTheFirstFreeBlock() {
        assertThat(allocator.sync("a", null)).isEqualTo(new RangeAllocator.Decision(PATCH, "10.0.0.0/24"));
    }

    @Test
    void blocksExistingNodesHoldAreNeverHandedOut() {
        allocator.observe("old-1", "10.0.0.0/24");
        allocator.observe("old-2", "10.0.1.0/24");

        assertThat(allocator.sync("new", null).cidr()).isEqualTo("10.0.2.0/24");
    }

    @Test
    void aBlockReservedForAPatchInFlightIsNotHandedToAnotherNode() {
        String first = allocator.sync("a", null).cidr();

        assertThat(allocator.sync("b", null).cidr()).isNotEqualTo(first);
    }

    @Test
    void aNodeSyncedAgainBeforeItsPatchIsSeenGetsTheSameBlockAndNoSecondOne() {
        String first = allocator.sync("a", null).cidr();

        assertThat(allocator.sync("a", null).cidr()).isEqualTo(first);
        assertThat(allocator.free()).isEqualTo(3);
    }

    @Test
    void theNodesCidrSeenInTheCacheTurnsTheReservationIntoAHolding() {
        String cidr = allocator.sync("a", null).cidr();

        assertThat(allocator.sync("a", cidr).action()).isEqualTo(NONE);
        assertThat(allocator.free()).isEqualTo(3);
        assertThat(allocator.isUsed(cidr)).isTrue();
    }

    @Test
    void aRefusedPatchReleasesItsBlock() {
        String cidr = allocator.sync("a", null).cidr();

        allocator.patchRefused("a", cidr);

        assertThat(allocator.isUsed(cidr)).isFalse();
        assertThat(allocator.free()).isEqualTo(4);
    }

    @Test
    void aDeletedNodesBlockIsFreeAgain() {
        allocator.observe("a", "10.0.1.0/24");

        allocator.delete("a");

        assertThat(allocator.isUsed("10.0.1.0/24")).isFalse();
    }

    @Test
    void aNodeDeletedWhileItsPatchWasInFlightFreesItsReservation() {
        String cidr = allocator.sync("a", null).cidr();

        allocator.delete("a");

        assertThat(allocator.isUsed(cidr)).isFalse();
    }

    @Test
    void aFullRangeIsReportedOnceAndTheWaitingNodesAreNamedWhenABlockIsFreed() {
        for (String node : new String[] {"a", "b", "c", "d"}) {
            allocator.observe(node, allocator.sync(node, null).cidr());
        }

        assertThat(allocator.sync("e", null).action()).isEqualTo(FULL);
        assertThat(allocator.sync("e", null).action()).isEqualTo(STILL_FULL);
        assertThat(allocator.sync("f", null).action()).isEqualTo(FULL);

        assertThat(allocator.delete("b")).containsExactly("e", "f");
        assertThat(allocator.sync("e", null)).isEqualTo(new RangeAllocator.Decision(PATCH, "10.0.1.0/24"));
        assertThat(allocator.sync("f", null).action()).as("still waiting, reported already").isEqualTo(STILL_FULL);
    }

    @Test
    void aCidrOutsideTheClusterCidrIsLeftAloneAndTakesNoBlock() {
        assertThat(allocator.sync("simulated", "10.7.3.0/24").action()).isEqualTo(NONE);

        assertThat(allocator.free()).isEqualTo(4);
        assertThat(allocator.delete("simulated")).isEmpty();
        assertThat(allocator.free()).isEqualTo(4);
    }

    @Test
    void aBlockTwoNodesClaimStaysUsedUntilBothAreGone() {
        allocator.observe("a", "10.0.2.0/24");
        allocator.observe("b", "10.0.2.0/23");

        allocator.delete("a");
        assertThat(allocator.isUsed("10.0.2.0/24")).isTrue();

        allocator.delete("b");
        assertThat(allocator.isUsed("10.0.2.0/24")).isFalse();
    }

    @Test
    void aNodeRecreatedUnderItsNameWithoutACidrGivesBackItsOldBlock() {
        allocator.observe("a", "10.0.2.0/24");

        RangeAllocator.Decision decision = allocator.sync("a", null);

        assertThat(decision.cidr()).isEqualTo("10.0.0.0/24");
        assertThat(allocator.isUsed("10.0.2.0/24")).isFalse();
        assertThat(allocator.free()).isEqualTo(3);
    }

    @Test
    void aNodeThatFoundItsOwnCidrWhileItsPatchWasInFlightGivesTheReservationBack() {
        String reserved = allocator.sync("a", null).cidr();

        allocator.observe("a", "10.0.3.0/24");

        assertThat(allocator.isUsed(reserved)).isFalse();
        assertThat(allocator.isUsed("10.0.3.0/24")).isTrue();
    }
}
