package io.berth.node.network;

import io.berth.node.runtime.RuntimeFailure;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostLocalIpamTest {

    @TempDir
    Path dir;

    /** A step: allocate for an owner ("+owner"), release an owner ("-owner"); the expected address or error. */
    record Step(String op, String expected) {
    }

    record Case(String name, String cidr, List<Step> steps) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Step alloc(String owner, String expected) {
        return new Step("+" + owner, expected);
    }

    static Step release(String owner) {
        return new Step("-" + owner, null);
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("the first pod gets the address after the gateway", "10.250.1.0/24",
                        List.of(alloc("a", "10.250.1.2"))),
                new Case("pods get distinct addresses in order", "10.250.1.0/24",
                        List.of(alloc("a", "10.250.1.2"), alloc("b", "10.250.1.3"), alloc("c", "10.250.1.4"))),
                new Case("allocating again for the same pod returns its address", "10.250.1.0/24",
                        List.of(alloc("a", "10.250.1.2"), alloc("b", "10.250.1.3"), alloc("a", "10.250.1.2"))),
                new Case("a released address is not handed out at once (round robin)", "10.250.1.0/24",
                        List.of(alloc("a", "10.250.1.2"), release("a"), alloc("b", "10.250.1.3"))),
                new Case("a released address is reused once the range wraps", "10.250.1.0/29",
                        List.of(alloc("a", "10.250.1.2"), alloc("b", "10.250.1.3"), alloc("c", "10.250.1.4"),
                                alloc("d", "10.250.1.5"), alloc("e", "10.250.1.6"), release("b"),
                                alloc("f", "10.250.1.3"))),
                new Case("a full range refuses with a clear message", "10.250.1.0/30",
                        List.of(alloc("a", "10.250.1.2"),
                                alloc("b", "no free pod IP address in 10.250.1.0/30: all 1 addresses are in use"))),
                new Case("releasing frees room in a full range", "10.250.1.0/30",
                        List.of(alloc("a", "10.250.1.2"), release("a"), alloc("b", "10.250.1.2"))),
                new Case("releasing an owner without an address is fine", "10.250.1.0/24",
                        List.of(release("nobody"), alloc("a", "10.250.1.2"))),
                new Case("the broadcast address is never handed out", "10.250.1.0/29",
                        List.of(alloc("a", "10.250.1.2"), alloc("b", "10.250.1.3"), alloc("c", "10.250.1.4"),
                                alloc("d", "10.250.1.5"), alloc("e", "10.250.1.6"),
                                alloc("f", "no free pod IP address in 10.250.1.0/29: all 5 addresses are in use"))));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void allocation(Case c) {
        HostLocalIpam ipam = new HostLocalIpam(dir, Ipv4Cidr.parse(c.cidr()));
        for (Step step : c.steps()) {
            String owner = step.op().substring(1);
            if (step.op().startsWith("-")) {
                ipam.release(owner);
            } else if (step.expected().startsWith("no free")) {
                assertThatThrownBy(() -> ipam.allocate(owner)).isInstanceOf(RuntimeFailure.class)
                        .hasMessage(step.expected());
            } else {
                assertThat(ipam.allocate(owner)).as(step.op()).isEqualTo(step.expected());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void allocationsSurviveANewInstanceOverTheSameDirectory(Case c) {
        HostLocalIpam first = new HostLocalIpam(dir, Ipv4Cidr.parse(c.cidr()));
        List<String> owners = new ArrayList<>();
        for (Step step : c.steps()) {
            String owner = step.op().substring(1);
            if (step.op().startsWith("-")) {
                first.release(owner);
                owners.remove(owner);
            } else if (!step.expected().startsWith("no free")) {
                first.allocate(owner);
                owners.add(owner);
            }
        }
        HostLocalIpam restarted = new HostLocalIpam(dir, Ipv4Cidr.parse(c.cidr()));
        for (String owner : owners) {
            assertThat(restarted.find(owner)).as(owner).isEqualTo(first.find(owner)).isPresent();
        }
        assertThat(restarted.allocations()).isEqualTo(first.allocations());
    }

    @org.junit.jupiter.api.Test
    void eachAddressIsAFileHoldingItsPodUid() throws Exception {
        HostLocalIpam ipam = new HostLocalIpam(dir, Ipv4Cidr.parse("10.250.1.0/24"));
        String ip = ipam.allocate("3f1c-pod");
        assertThat(Files.readString(dir.resolve(ip)).strip()).isEqualTo("3f1c-pod");
        ipam.release("3f1c-pod");
        assertThat(dir.resolve(ip)).doesNotExist();
    }

    record CidrCase(String cidr, String gateway, String first, String last) {
    }

    static Stream<CidrCase> cidrs() {
        return Stream.of(new CidrCase("10.244.0.0/24", "10.244.0.1", "10.244.0.2", "10.244.0.254"),
                new CidrCase("10.250.7.0/30", "10.250.7.1", "10.250.7.2", "10.250.7.2"),
                new CidrCase("10.244.0.0/16", "10.244.0.1", "10.244.0.2", "10.244.255.254"));
    }

    @ParameterizedTest
    @MethodSource("cidrs")
    void theGatewayIsTheFirstAddressAndPodsTakeTheRest(CidrCase c) {
        Ipv4Cidr cidr = Ipv4Cidr.parse(c.cidr());
        assertThat(Ipv4Cidr.format(cidr.gateway())).isEqualTo(c.gateway());
        assertThat(Ipv4Cidr.format(cidr.firstPod())).isEqualTo(c.first());
        assertThat(Ipv4Cidr.format(cidr.lastPod())).isEqualTo(c.last());
    }
}
