package io.berth.node.simulate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class PodIpsTest {

    record Block(int node, String cidr, String first) {
    }

    static Stream<Block> blocks() {
        return Stream.of(
                new Block(0, "10.0.0.0/24", "10.0.0.1"),
                new Block(7, "10.0.7.0/24", "10.0.7.1"),
                new Block(256, "10.1.0.0/24", "10.1.0.1"),
                new Block(4999, "10.19.135.0/24", "10.19.135.1"),
                new Block(65535, "10.255.255.0/24", "10.255.255.1"));
    }

    @ParameterizedTest(name = "node {0}: {1}")
    @MethodSource("blocks")
    void eachNodeHandsOutItsOwnSlash24(Block b) {
        assertThat(NodeTemplate.podCidr(b.node())).isEqualTo(b.cidr());
        assertThat(new PodIps(65536).allocate(b.node(), null)).isEqualTo(b.first());
    }

    @Test
    void addressesAreUniqueUntilReleasedAndExistingOnesAreKept() {
        PodIps ips = new PodIps(2);
        assertThat(ips.allocate(1, "10.0.1.9")).as("a restart keeps the address in the status").isEqualTo("10.0.1.9");
        assertThat(ips.allocate(1, "10.0.1.9")).as("taken: the lowest free one").isEqualTo("10.0.1.1");
        assertThat(ips.allocate(1, "10.0.0.5")).as("another node's block is not this one's").isEqualTo("10.0.1.2");
        ips.release(1, "10.0.1.1");
        assertThat(ips.allocate(1, null)).isEqualTo("10.0.1.1");
        for (int i = 0; i < 251; i++) {
            assertThat(ips.allocate(1, null)).isNotNull();
        }
        assertThat(ips.allocate(1, null)).as("254 hosts at most").isNull();
        assertThat(ips.allocate(0, null)).isEqualTo("10.0.0.1");
    }
}
