package io.berth.node.status;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class NodeObjectsTest {

    private static final MachineInfo MACHINE = new MachineInfo(2, 8L << 30, 100L << 30, "6.1.0", "Debian GNU/Linux 12",
            "amd64", "m1", "b1", "runc://1.1.5");
    private static final NodeObjects.Description D = new NodeObjects.Description("n1", "10.0.0.7", 10250,
            Map.of("cpu", new Quantity("2"), "pods", new Quantity("110")), Map.of("tier", "gold"),
            List.of(new Taint("NoSchedule", "dedicated", null, "db")), "10.244.1.0/24", MACHINE);

    @Test
    void theNodeCarriesLabelsTaintsAddressesEndpointAndNodeInfo() {
        Node n = NodeObjects.node(D, new MachineInfo.Pressure(false, false, false), Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(n.getMetadata().getLabels()).containsEntry("kubernetes.io/hostname", "n1")
                .containsEntry("kubernetes.io/os", "linux").containsEntry("kubernetes.io/arch", "amd64")
                .containsEntry("tier", "gold");
        assertThat(n.getSpec().getTaints()).extracting(Taint::getKey).containsExactly("dedicated");
        assertThat(n.getSpec().getPodCIDR()).isEqualTo("10.244.1.0/24");
        assertThat(n.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort()).isEqualTo(10250);
        assertThat(n.getStatus().getAddresses()).extracting(a -> a.getType() + "=" + a.getAddress())
                .containsExactly("InternalIP=10.0.0.7", "Hostname=n1");
        assertThat(n.getStatus().getNodeInfo().getContainerRuntimeVersion()).isEqualTo("runc://1.1.5");
        assertThat(n.getStatus().getConditions()).extracting(c -> c.getType() + "=" + c.getStatus())
                .containsExactly("MemoryPressure=False", "DiskPressure=False", "PIDPressure=False", "Ready=True");
    }

    @Test
    void aConditionKeepsItsTransitionTimeUntilItsStatusChanges() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        List<NodeCondition> first = NodeObjects.status(D, new MachineInfo.Pressure(false, false, false), List.of(), t0)
                .getConditions();
        List<NodeCondition> same = NodeObjects.status(D, new MachineInfo.Pressure(false, false, false), first,
                t0.plusSeconds(60)).getConditions();
        List<NodeCondition> pressed = NodeObjects.status(D, new MachineInfo.Pressure(true, false, false), same,
                t0.plusSeconds(120)).getConditions();
        assertThat(same.get(0).getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(same.get(0).getLastHeartbeatTime()).isEqualTo("2026-01-01T00:01:00Z");
        assertThat(NodeObjects.conditionsChanged(first, same)).isFalse();
        assertThat(pressed.get(0).getStatus()).isEqualTo("True");
        assertThat(pressed.get(0).getLastTransitionTime()).isEqualTo("2026-01-01T00:02:00Z");
        assertThat(NodeObjects.conditionsChanged(same, pressed)).isTrue();
    }

    private static final MachineInfo.Pressure NO_PRESSURE = new MachineInfo.Pressure(false, false, false);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String WAITING = "the node's pod CIDR is not assigned yet: waiting for the node's "
            + "spec.podCIDR from the controller manager's node IPAM";

    record Registration(String name, String podCidr, String specPodCidr, List<String> specPodCidrs) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Registration> registrations() {
        return Stream.of(
                new Registration("a configured pod CIDR is registered", "10.251.0.0/24", "10.251.0.0/24",
                        List.of("10.251.0.0/24")),
                new Registration("without one the node IPAM assigns it", null, null, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("registrations")
    void theNodeRegistersWithItsConfiguredPodCidrOrNone(Registration c) {
        NodeObjects.Description d = new NodeObjects.Description("n1", "10.0.0.7", 10250, D.capacity(), Map.of(),
                List.of(), c.podCidr(), MACHINE);

        Node n = NodeObjects.node(d, NO_PRESSURE, T0);

        assertThat(n.getSpec().getPodCIDR()).isEqualTo(c.specPodCidr());
        assertThat(n.getSpec().getPodCIDRs() == null ? List.of() : n.getSpec().getPodCIDRs())
                .isEqualTo(c.specPodCidrs());
    }

    record Readiness(String name, Optional<String> networkNotReady, String status, String reason, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Readiness> readiness() {
        return Stream.of(
                new Readiness("a node whose pod network is ready is Ready", Optional.empty(), "True", "KubeletReady",
                        "kubelet is posting ready status"),
                new Readiness("a node waiting for its pod CIDR is not Ready, as a kubelet without a network",
                        Optional.of(WAITING), "False", "KubeletNotReady",
                        "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady "
                                + "message:" + WAITING));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readiness")
    void theReadyConditionFollowsThePodNetwork(Readiness c) {
        NodeCondition registered = ready(NodeObjects.node(D, NO_PRESSURE, c.networkNotReady(), T0).getStatus()
                .getConditions());
        NodeCondition written = ready(NodeObjects.status(D, NO_PRESSURE, List.of(), c.networkNotReady(), T0)
                .getConditions());

        for (NodeCondition ready : List.of(registered, written)) {
            assertThat(ready.getStatus()).isEqualTo(c.status());
            assertThat(ready.getReason()).isEqualTo(c.reason());
            assertThat(ready.getMessage()).isEqualTo(c.message());
        }
    }

    @Test
    void theNodeTurnsReadyWhenItsPodCidrArrives() {
        List<NodeCondition> waiting = NodeObjects.status(D, NO_PRESSURE, List.of(), Optional.of(WAITING), T0)
                .getConditions();
        List<NodeCondition> stillWaiting = NodeObjects.status(D, NO_PRESSURE, waiting, Optional.of(WAITING),
                T0.plusSeconds(10)).getConditions();
        List<NodeCondition> ready = NodeObjects.status(D, NO_PRESSURE, stillWaiting, Optional.empty(),
                T0.plusSeconds(12)).getConditions();

        assertThat(NodeObjects.conditionsChanged(waiting, stillWaiting)).isFalse();
        assertThat(NodeObjects.conditionsChanged(stillWaiting, ready)).as("written at once").isTrue();
        assertThat(ready(ready).getStatus()).isEqualTo("True");
        assertThat(ready(ready).getLastTransitionTime()).isEqualTo("2026-01-01T00:00:12Z");
        assertThat(ready(stillWaiting).getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
    }

    private static NodeCondition ready(List<NodeCondition> conditions) {
        return conditions.stream().filter(c -> c.getType().equals("Ready")).findFirst().orElseThrow();
    }

    @Test
    void runcVersionAndArchitectureAreReportedInKubernetesTerms() {
        assertThat(MachineInfo.parseRuncVersion("runc version 1.1.5+ds1\ncommit: x\n")).isEqualTo("1.1.5+ds1");
        assertThat(MachineInfo.goArch("x86_64")).isEqualTo("amd64");
        assertThat(MachineInfo.goArch("aarch64")).isEqualTo("arm64");
    }
}
