package io.berth.node.network;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ForwardingTest {

    record IptablesCase(String name, String chain, boolean drops) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<IptablesCase> iptables() {
        return Stream.of(
                new IptablesCase("an accepting chain needs nothing", "-P FORWARD ACCEPT\n", false),
                new IptablesCase("a dropping policy needs rules", "-P FORWARD DROP\n", true),
                new IptablesCase("a final DROP rule needs rules", "-P FORWARD ACCEPT\n-A FORWARD -j DROP\n", true),
                new IptablesCase("a REJECT rule needs rules",
                        "-P FORWARD ACCEPT\n-A FORWARD -j REJECT --reject-with icmp-host-prohibited\n", true),
                new IptablesCase("accepting rules need nothing",
                        "-P FORWARD ACCEPT\n-A FORWARD -i docker0 -j ACCEPT\n", false));
    }

    @ParameterizedTest
    @MethodSource("iptables")
    void iptablesForwardChain(IptablesCase c) {
        assertThat(Forwarding.drops(c.chain())).isEqualTo(c.drops());
    }

    record NftCase(String name, String ruleset, boolean drops) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<NftCase> nft() {
        return Stream.of(
                new NftCase("an empty ruleset", "", false),
                new NftCase("another table's dropping forward chain is reported", """
                        table inet filter {
                        \tchain forward {
                        \t\ttype filter hook forward priority filter; policy drop;
                        \t}
                        }
                        """, true),
                new NftCase("iptables-nft's own FORWARD chain is left to iptables", """
                        table ip filter {
                        \tchain FORWARD {
                        \t\ttype filter hook forward priority filter; policy drop;
                        \t}
                        }
                        """, false),
                new NftCase("an accepting forward chain", """
                        table inet filter {
                        \tchain forward {
                        \t\ttype filter hook forward priority filter; policy accept;
                        \t}
                        }
                        """, false));
    }

    @ParameterizedTest
    @MethodSource("nft")
    void nftablesForwardHook(NftCase c) {
        assertThat(Forwarding.nftForwardDrops(c.ruleset())).isEqualTo(c.drops());
    }
}
