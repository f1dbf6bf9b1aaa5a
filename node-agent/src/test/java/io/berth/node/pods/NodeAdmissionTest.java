package io.berth.node.pods;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class NodeAdmissionTest {

    record Case(String name, Pod pod, List<Pod> admitted, String reason, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Pod pod(String cpu, String memory) {
        return pod(cpu, memory, null);
    }

    static Pod pod(String cpu, String memory, String initCpu) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewSpec()
                .addNewContainer().withName("c").withNewResources()
                .withRequests(requests(cpu, memory)).endResources().endContainer().endSpec();
        if (initCpu != null) {
            b.editSpec().addNewInitContainer().withName("i").withNewResources()
                    .withRequests(Map.of("cpu", new Quantity(initCpu))).endResources().endInitContainer().endSpec();
        }
        return b.build();
    }

    private static Map<String, Quantity> requests(String cpu, String memory) {
        Map<String, Quantity> m = new java.util.HashMap<>();
        if (cpu != null) {
            m.put("cpu", new Quantity(cpu));
        }
        if (memory != null) {
            m.put("memory", new Quantity(memory));
        }
        return m;
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("fits", pod("500m", "1Gi"), List.of(pod("1", "1Gi")), null, null),
                new Case("no requests always fit", pod(null, null), List.of(pod("2", "4Gi")), null, null),
                new Case("cpu exhausted", pod("1500m", null), List.of(pod("1", null)), "OutOfcpu",
                        "Pod was rejected: Node didn't have enough resource: cpu, requested: 1500, used: 1000,"
                                + " capacity: 2000"),
                new Case("memory exhausted", pod(null, "3Gi"), List.of(pod(null, "2Gi")), "OutOfmemory",
                        "Pod was rejected: Node didn't have enough resource: memory, requested: 3221225472, used:"
                                + " 2147483648, capacity: 4294967296"),
                new Case("the largest init container counts", pod("100m", null, "3"), List.of(), "OutOfcpu",
                        "Pod was rejected: Node didn't have enough resource: cpu, requested: 3000, used: 0,"
                                + " capacity: 2000"),
                new Case("pods exhausted", pod(null, null), List.of(pod(null, null), pod(null, null), pod(null, null)),
                        "OutOfpods", "Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: 3,"
                        + " capacity: 3"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void admitsWhatFitsAndRejectsWithKubernetesReasons(Case c) {
        Map<String, Quantity> allocatable = Map.of("cpu", new Quantity("2"), "memory", new Quantity("4Gi"),
                "pods", new Quantity("3"));
        Optional<NodeAdmission.Rejection> r = NodeAdmission.admit(c.pod(), c.admitted(), allocatable);
        if (c.reason() == null) {
            assertThat(r).isEmpty();
        } else {
            assertThat(r).contains(new NodeAdmission.Rejection(c.reason(), c.message()));
        }
    }
}
