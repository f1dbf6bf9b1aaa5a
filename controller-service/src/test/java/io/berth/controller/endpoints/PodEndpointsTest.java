package io.berth.controller.endpoints;

import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;

import static io.berth.controller.endpoints.Fixtures.namedPort;
import static io.berth.controller.endpoints.Fixtures.pod;
import static io.berth.controller.endpoints.Fixtures.port;
import static io.berth.controller.endpoints.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

class PodEndpointsTest {

    record PortRow(String description, Pod pod, ServicePort servicePort, OptionalInt expected) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<PortRow> ports() {
        Pod plain = pod("p", "10.244.0.5");
        Pod named = namedPort(plain, "web", 8080);
        Pod sidecar = new PodBuilder(plain).editSpec().addNewInitContainer().withName("proxy").withImage("i")
                .withRestartPolicy("Always").addToPorts(new ContainerPortBuilder().withName("proxy")
                        .withContainerPort(15001).build()).endInitContainer().endSpec().build();
        Pod initOnly = new PodBuilder(plain).editSpec().addNewInitContainer().withName("setup").withImage("i")
                .addToPorts(new ContainerPortBuilder().withName("proxy").withContainerPort(15001).build())
                .endInitContainer().endSpec().build();
        return Stream.of(
                new PortRow("a numeric target port is taken as it is", plain, port("a", 80, 9000),
                        OptionalInt.of(9000)),
                new PortRow("no target port means the service port", plain, port("a", 80, null),
                        OptionalInt.of(80)),
                new PortRow("a named target port is the pod's port of that name", named, port("a", 80, "web"),
                        OptionalInt.of(8080)),
                new PortRow("a pod without that port name has no port", plain, port("a", 80, "web"),
                        OptionalInt.empty()),
                new PortRow("the protocols must match", named, new ServicePortBuilder(port("a", 80, "web"))
                        .withProtocol("UDP").build(), OptionalInt.empty()),
                new PortRow("a sidecar's named port counts", sidecar, port("a", 80, "proxy"),
                        OptionalInt.of(15001)),
                new PortRow("a plain init container's does not", initOnly, port("a", 80, "proxy"),
                        OptionalInt.empty()));
    }

    @ParameterizedTest
    @MethodSource("ports")
    void findPortResolvesTargetPortsAsKubernetesDoes(PortRow row) {
        assertThat(PodEndpoints.findPort(row.pod(), row.servicePort())).isEqualTo(row.expected());
    }

    @Test
    void aSelectorMatchesPodsHavingAllItsLabelsAndAnEmptySelectorMatchesNothing() {
        assertThat(PodEndpoints.selects(service("web"), Map.of("app", "web", "x", "y"))).isTrue();
        assertThat(PodEndpoints.selects(service("web"), Map.of("app", "db"))).isFalse();
        assertThat(PodEndpoints.selects(Fixtures.withoutSelector(service("web")), Map.of("app", "web"))).isFalse();
    }

    @Test
    void podIpsFallBackToPodIp() {
        Pod onlyPodIp = new PodBuilder(pod("p", "10.244.0.5")).editStatus().withPodIPs().endStatus().build();
        assertThat(PodEndpoints.podIps(onlyPodIp)).containsExactly("10.244.0.5");
    }
}
