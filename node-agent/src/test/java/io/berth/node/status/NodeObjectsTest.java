package io.berth.node.status;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

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

    @Test
    void runcVersionAndArchitectureAreReportedInKubernetesTerms() {
        assertThat(MachineInfo.parseRuncVersion("runc version 1.1.5+ds1\ncommit: x\n")).isEqualTo("1.1.5+ds1");
        assertThat(MachineInfo.goArch("x86_64")).isEqualTo("amd64");
        assertThat(MachineInfo.goArch("aarch64")).isEqualTo("arm64");
    }
}
