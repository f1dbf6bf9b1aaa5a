package io.berth.controller.nodeipam;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrSetTest {

    @ParameterizedTest(name = "{0} reads as {1}")
    @CsvSource({
            "10.244.0.0/16, 10.244.0.0/16",
            "10.244.3.7/24, 10.244.3.0/24",
            "0.0.0.0/0, 0.0.0.0/0",
            "fd00:10:244::/56, fd00:10:244::/56",
            "FD00:0:0:0:0:0:0:1/64, fd00::/64",
            "2001:db8:0:1::/64, 2001:db8:0:1::/64"})
    void cidrsAreReadWithTheirHostBitsCleared(String text, String expected) {
        assertThat(Cidr.parse(text)).hasToString(expected);
    }

    @ParameterizedTest
    @CsvSource({"10.244.0.0", "10.244.0.0/33", "10.256.0.0/16", "node-1/24", "10.244.0.0/x", "::g/64"})
    void whatIsNotACidrIsNull(String text) {
        assertThat(Cidr.parse(text)).isNull();
    }

    @Test
    void aSlash16CutIntoSlash24sHas256BlocksHandedOutInOrder() {
        CidrSet set = new CidrSet(Cidr.parse("10.244.0.0/16"), 24);

        assertThat(set.size()).isEqualTo(256);
        assertThat(set.cidr(set.allocateNext())).hasToString("10.244.0.0/24");
        assertThat(set.cidr(set.allocateNext())).hasToString("10.244.1.0/24");
        assertThat(set.free()).isEqualTo(254);
    }

    @Test
    void allocationSkipsOccupiedBlocksAndDoesNotReuseAJustReleasedOneAtOnce() {
        CidrSet set = new CidrSet(Cidr.parse("10.0.0.0/22"), 24);
        set.occupy(set.blocks(Cidr.parse("10.0.1.0/24")));

        assertThat(set.allocateNext()).isEqualTo(0);
        assertThat(set.allocateNext()).isEqualTo(2);
        set.release(0);
        assertThat(set.allocateNext()).isEqualTo(3);
        assertThat(set.allocateNext()).as("wraps around to the released block").isEqualTo(0);
        assertThat(set.allocateNext()).as("full").isEqualTo(-1);
    }

    @Test
    void aCidrMarksEveryBlockItOverlaps() {
        CidrSet set = new CidrSet(Cidr.parse("10.244.0.0/16"), 24);

        assertThat(set.blocks(Cidr.parse("10.244.4.0/23"))).containsExactly(4, 5);
        assertThat(set.blocks(Cidr.parse("10.244.7.128/25"))).containsExactly(7, 7);
        assertThat(set.blocks(Cidr.parse("10.0.0.0/8"))).containsExactly(0, 255);
    }

    @Test
    void aCidrOutsideTheClusterCidrOrOfTheOtherFamilyHasNoBlocks() {
        CidrSet set = new CidrSet(Cidr.parse("10.244.0.0/16"), 24);

        assertThat(set.blocks(Cidr.parse("10.1.2.0/24"))).isNull();
        assertThat(set.blocks(Cidr.parse("fd00::/64"))).isNull();
    }

    @Test
    void ipv6BlocksAreCutTheSameWay() {
        CidrSet set = new CidrSet(Cidr.parse("fd00:10:244::/56"), 64);

        set.allocateNext();
        assertThat(set.cidr(set.allocateNext())).hasToString("fd00:10:244:1::/64");
    }

    @Test
    void aNodeMaskThatCutsTooManyBlocksOrIsShorterThanTheClusterPrefixIsRefused() {
        assertThatThrownBy(() -> new CidrSet(Cidr.parse("10.0.0.0/8"), 28))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than 2^16");
        assertThatThrownBy(() -> new CidrSet(Cidr.parse("10.244.0.0/16"), 8))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
