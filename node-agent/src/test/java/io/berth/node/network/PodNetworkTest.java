package io.berth.node.network;

import io.berth.node.config.NodeProperties;
import io.berth.node.runtime.NetworkNotReady;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pod network's pod CIDR: configured, or the Node's spec.podCIDR once the node IPAM set it. No ip commands. */
class PodNetworkTest {

    @TempDir
    Path state;

    /**
     * @param configured  {@code berth.node.network.pod-cidr}
     * @param assigned    the Node's spec.podCIDR values seen, in order
     * @param taken       what each {@link PodNetwork#assign} answered
     * @param cidr        the pod CIDR afterwards; null: still not ready
     */
    record Case(String name, String configured, List<String> assigned, List<Boolean> taken, String cidr) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("a configured CIDR is ready at once", "10.251.0.0/24", List.of(), List.of(), "10.251.0.0/24"),
                new Case("a configured CIDR wins over a different spec.podCIDR", "10.251.0.0/24",
                        List.of("10.244.3.0/24"), List.of(false), "10.251.0.0/24"),
                new Case("without a configured CIDR the network waits", null, List.of(), List.of(), null),
                new Case("an empty configured CIDR is none", "", List.of(), List.of(), null),
                new Case("a blank configured CIDR is none", "  ", List.of(), List.of(), null),
                new Case("the Node's spec.podCIDR makes it ready", null, List.of("10.244.3.0/24"), List.of(true),
                        "10.244.3.0/24"),
                new Case("the same spec.podCIDR again changes nothing", null,
                        List.of("10.244.3.0/24", "10.244.3.0/24"), List.of(true, false), "10.244.3.0/24"),
                new Case("a later, different spec.podCIDR is refused", null,
                        List.of("10.244.3.0/24", "10.244.4.0/24"), List.of(true, false), "10.244.3.0/24"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void thePodCidrIsTheConfiguredOneOrTheFirstSpecPodCidrSeen(Case c) {
        PodNetwork network = new PodNetwork(new NodeProperties.Network("berth0", c.configured()), state);
        List<Boolean> taken = new ArrayList<>();
        for (String cidr : c.assigned()) {
            taken.add(network.assign(cidr));
        }

        assertThat(taken).isEqualTo(c.taken());
        if (c.cidr() == null) {
            assertThat(network.cidr()).isEmpty();
            assertThat(network.notReady()).hasValue(PodNetwork.WAITING_FOR_POD_CIDR);
        } else {
            assertThat(network.cidr()).hasValue(Ipv4Cidr.parse(c.cidr()));
            assertThat(network.notReady()).isEmpty();
        }
    }

    @Test
    void withoutAPodCidrAPodCannotAttachAndNothingIsAllocated() {
        PodNetwork network = new PodNetwork(new NodeProperties.Network("berth0", null), state);

        assertThatThrownBy(() -> network.attach("uid-1")).isInstanceOf(NetworkNotReady.class)
                .hasMessage("the node's pod CIDR is not assigned yet: waiting for the node's spec.podCIDR from the "
                        + "controller manager's node IPAM");
        assertThatThrownBy(network::gatewayIp).isInstanceOf(NetworkNotReady.class);
        assertThatThrownBy(network::ensureBridge).isInstanceOf(NetworkNotReady.class);
        assertThat(network.find("uid-1")).isEmpty();
        assertThat(network.allocations()).isEmpty();
    }

    @Test
    void onceTheSpecPodCidrIsAssignedAddressesComeFromIt() {
        PodNetwork network = new PodNetwork(new NodeProperties.Network("berth0", null), state);

        assertThat(network.assign("10.244.7.0/24")).isTrue();
        // what attach allocates with: the IPAM over the network's own directory
        String ip = new HostLocalIpam(state.resolve("network/berth0"), Ipv4Cidr.parse("10.244.7.0/24"))
                .allocate("uid-1");

        assertThat(network.gatewayIp()).isEqualTo("10.244.7.1");
        assertThat(ip).isEqualTo("10.244.7.2");
        assertThat(network.allocations()).containsEntry("10.244.7.2", "uid-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fd00::/64", "10.244.7.0", "10.244.7.5/24", "10.244.7.0/31"})
    void aSpecPodCidrTheNetworkCannotUseIsRefusedAndItKeepsWaiting(String podCidr) {
        PodNetwork network = new PodNetwork(new NodeProperties.Network("berth0", null), state);

        assertThatThrownBy(() -> network.assign(podCidr)).isInstanceOf(IllegalArgumentException.class);
        assertThat(network.notReady()).isPresent();
    }

    record Addresses(String name, String output, String keep, List<String> stale) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Addresses> addresses() {
        String line = "7: berth0    inet %s brd 10.244.0.255 scope global berth0\\       valid_lft forever"
                + " preferred_lft forever";
        return Stream.of(
                new Addresses("a new bridge has none", "", "10.244.3.1/24", List.of()),
                new Addresses("the gateway stays", line.formatted("10.244.3.1/24"), "10.244.3.1/24", List.of()),
                new Addresses("an earlier pod CIDR's gateway goes", line.formatted("10.244.0.1/24"), "10.244.3.1/24",
                        List.of("10.244.0.1/24")),
                new Addresses("only the others go", line.formatted("10.244.0.1/24") + "\n"
                        + line.formatted("10.244.3.1/24"), "10.244.3.1/24", List.of("10.244.0.1/24")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("addresses")
    void theBridgeLosesAddressesOfAnEarlierPodCidr(Addresses c) {
        assertThat(PodNetwork.staleAddresses(c.output(), c.keep())).isEqualTo(c.stale());
    }
}
