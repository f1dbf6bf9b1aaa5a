package io.berth.scheduler.plugins.nodeports;

import io.berth.scheduler.framework.ClusterEvent;
import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.Snapshot;
import io.berth.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.berth.scheduler.plugins.Fixtures.node;
import static io.berth.scheduler.plugins.Fixtures.nodeInfo;
import static io.berth.scheduler.plugins.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

class NodePortsTest {

    private final NodePorts plugin = new NodePorts();

    record Case(String name, List<ContainerPort> wanted, List<ContainerPort> used, boolean fits) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("a free port fits", List.of(port(null, "TCP", 8080)), List.of(port(null, "TCP", 9090)),
                        true),
                new Case("a port taken on every address conflicts", List.of(port(null, "TCP", 8080)),
                        List.of(port(null, "TCP", 8080)), false),
                new Case("an unset protocol is TCP", List.of(port(null, null, 8080)),
                        List.of(port(null, "TCP", 8080)), false),
                new Case("the same port over another protocol fits", List.of(port(null, "UDP", 8080)),
                        List.of(port(null, "TCP", 8080)), true),
                new Case("the same port on two different addresses fits", List.of(port("10.0.0.1", "TCP", 8080)),
                        List.of(port("10.0.0.2", "TCP", 8080)), true),
                new Case("the same port on the same address conflicts", List.of(port("10.0.0.1", "TCP", 8080)),
                        List.of(port("10.0.0.1", "TCP", 8080)), false),
                new Case("a specific address conflicts with a pod on every address",
                        List.of(port("10.0.0.1", "TCP", 8080)), List.of(port("0.0.0.0", "TCP", 8080)), false),
                new Case("every address conflicts with a pod on a specific one", List.of(port(null, "TCP", 8080)),
                        List.of(port("10.0.0.1", "TCP", 8080)), false),
                new Case("one conflicting port of several is enough",
                        List.of(port(null, "TCP", 7070), port(null, "TCP", 8080)), List.of(port(null, "TCP", 8080)),
                        false));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void aPodFitsWhereItsHostPortsAreFree(Case c) {
        Pod pod = withPorts(pod("p"), c.wanted());
        Pod other = withPorts(pod("other"), c.used());
        CycleState state = new CycleState();

        assertThat(plugin.preFilter(state, pod, new Snapshot(List.of())).isSuccess()).isTrue();
        Status status = plugin.filter(state, pod, nodeInfo(node("node-1"), other));

        if (c.fits()) {
            assertThat(status.isSuccess()).isTrue();
        } else {
            assertThat(status.code()).isEqualTo(Status.Code.UNSCHEDULABLE);
            assertThat(status.reasons()).containsExactly("node(s) didn't have free ports for the requested pod ports");
        }
    }

    @Test
    void aPodWithoutHostPortsSkipsTheFilter() {
        Pod pod = withPorts(pod("p"), List.of(new ContainerPortBuilder().withContainerPort(80).build()));

        assertThat(plugin.preFilter(new CycleState(), pod, new Snapshot(List.of())).isSkip()).isTrue();
        assertThat(plugin.filter(new CycleState(), pod,
                nodeInfo(node("node-1"), withPorts(pod("other"), List.of(port(null, "TCP", 80))))).isSuccess())
                .isTrue();
    }

    @Test
    void aDeletedPodOrANewNodeCanFreeAPort() {
        assertThat(plugin.name()).isEqualTo("NodePorts");
        assertThat(plugin.events())
                .containsExactlyInAnyOrder(ClusterEvent.ASSIGNED_POD_DELETED, ClusterEvent.NODE_ADDED);
    }

    private static Pod withPorts(Pod pod, List<ContainerPort> ports) {
        return new PodBuilder(pod).editSpec().editFirstContainer().withPorts(ports).endContainer().endSpec().build();
    }

    private static ContainerPort port(String hostIp, String protocol, int hostPort) {
        return new ContainerPortBuilder().withContainerPort(hostPort).withHostPort(hostPort).withHostIP(hostIp)
                .withProtocol(protocol).build();
    }
}
