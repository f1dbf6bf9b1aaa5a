package io.berth.apimachinery.table;

import io.berth.apimachinery.registry.ResourceRegistry;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class PodTableTest {

    static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    static final TableConvertor PODS = TableConvertor.forType(
            ResourceRegistry.builtIn().find("", "v1", "pods").orElseThrow());

    static PodBuilder pod() {
        return new PodBuilder().withNewMetadata().withName("web").withNamespace("default")
                .withCreationTimestamp("2024-05-01T11:55:00Z").endMetadata()
                .withNewSpec().addToContainers(new ContainerBuilder().withName("app").withImage("nginx").build())
                .endSpec();
    }

    static ContainerStatus running(String name, boolean ready) {
        return new ContainerStatusBuilder().withName(name).withReady(ready).withRestartCount(0)
                .withNewState().withNewRunning().withStartedAt("2024-05-01T11:56:00Z").endRunning().endState().build();
    }

    static ContainerStatus waiting(String name, String reason) {
        return new ContainerStatusBuilder().withName(name).withReady(false).withRestartCount(0)
                .withNewState().withNewWaiting().withReason(reason).endWaiting().endState().build();
    }

    static ContainerStatus terminated(String name, int exitCode, String reason) {
        return new ContainerStatusBuilder().withName(name).withReady(false).withRestartCount(0)
                .withNewState().withNewTerminated().withExitCode(exitCode).withReason(reason).endTerminated()
                .endState().build();
    }

    static PodBuilder withInits(PodBuilder b) {
        return b.editSpec().withInitContainers(new ContainerBuilder().withName("init-db").withImage("busybox").build(),
                new ContainerBuilder().withName("init-cache").withImage("busybox").build()).endSpec();
    }

    record Case(String description, UnaryOperator<PodBuilder> pod, String ready, String status, String restarts) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Case> statuses() {
        return Stream.of(
                new Case("a running ready pod", b -> b.withNewStatus().withPhase("Running")
                        .withContainerStatuses(running("app", true)).endStatus(), "1/1", "Running", "0"),
                new Case("a pod still creating its container", b -> b.withNewStatus().withPhase("Pending")
                        .withContainerStatuses(waiting("app", "ContainerCreating")).endStatus(), "0/1",
                        "ContainerCreating", "0"),
                new Case("a crash-looping pod shows its restarts and when", b -> b.withNewStatus().withPhase("Running")
                        .withContainerStatuses(new ContainerStatusBuilder(waiting("app", "CrashLoopBackOff"))
                                .withRestartCount(5).withNewLastState().withNewTerminated().withExitCode(1)
                                .withFinishedAt("2024-05-01T11:57:00Z").endTerminated().endLastState().build())
                        .endStatus(), "0/1", "CrashLoopBackOff", "5 (3m ago)"),
                new Case("a pod whose init containers have not started", b -> withInits(b).withNewStatus()
                        .withPhase("Pending").withInitContainerStatuses(waiting("init-db", "PodInitializing"),
                                waiting("init-cache", "PodInitializing"))
                        .withContainerStatuses(waiting("app", "PodInitializing")).endStatus(), "0/1", "Init:0/2", "0"),
                new Case("a pod running its second init container", b -> withInits(b).withNewStatus()
                        .withPhase("Pending").withInitContainerStatuses(terminated("init-db", 0, "Completed"),
                                running("init-cache", false)).endStatus(), "0/1", "Init:1/2", "0"),
                new Case("a pod whose init container crash-loops", b -> withInits(b).withNewStatus()
                        .withPhase("Pending").withInitContainerStatuses(waiting("init-db", "CrashLoopBackOff"))
                        .endStatus(), "0/1", "Init:CrashLoopBackOff", "0"),
                new Case("a pod whose init container failed without reason", b -> withInits(b).withNewStatus()
                        .withPhase("Pending").withInitContainerStatuses(terminated("init-db", 1, null)).endStatus(),
                        "0/1", "Init:ExitCode:1", "0"),
                new Case("a pod being deleted is Terminating", b -> b.editMetadata()
                        .withDeletionTimestamp("2024-05-01T11:59:00Z").endMetadata().withNewStatus().withPhase("Running")
                        .withContainerStatuses(running("app", true)).endStatus(), "1/1", "Terminating", "0"),
                new Case("a finished pod being deleted stays Completed", b -> b.editMetadata()
                        .withDeletionTimestamp("2024-05-01T11:59:00Z").endMetadata().withNewStatus()
                        .withPhase("Succeeded").withContainerStatuses(terminated("app", 0, "Completed")).endStatus(),
                        "0/1", "Completed", "0"),
                new Case("a container killed by a signal", b -> b.withNewStatus().withPhase("Failed")
                        .withContainerStatuses(new ContainerStatusBuilder().withName("app").withReady(false)
                                .withNewState().withNewTerminated().withExitCode(137).withSignal(9).endTerminated()
                                .endState().build()).endStatus(), "0/1", "Signal:9", "0"),
                new Case("an evicted pod shows the pod's reason", b -> b.withNewStatus().withPhase("Failed")
                        .withReason("Evicted").endStatus(), "0/1", "Evicted", "0"),
                new Case("a gated pod is SchedulingGated", b -> b.withNewStatus().withPhase("Pending")
                        .withConditions(new PodConditionBuilder().withType("PodScheduled").withStatus("False")
                                .withReason("SchedulingGated").build()).endStatus(), "0/1", "SchedulingGated", "0"),
                new Case("a started sidecar counts as a ready container", b -> b.editSpec().withInitContainers(
                        new ContainerBuilder().withName("proxy").withImage("envoy").withRestartPolicy("Always")
                                .build()).endSpec().withNewStatus().withPhase("Running")
                        .withInitContainerStatuses(new ContainerStatusBuilder(running("proxy", true)).withStarted(true)
                                .build())
                        .withContainerStatuses(running("app", true)).endStatus(), "2/2", "Running", "0"),
                new Case("a lost node's deleted pod is Unknown", b -> b.editMetadata()
                        .withDeletionTimestamp("2024-05-01T11:59:00Z").endMetadata().withNewStatus()
                        .withPhase("Running").withReason("NodeLost").endStatus(), "0/1", "Unknown", "0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statuses")
    void computes_ready_status_and_restarts_as_kubectl_shows_them(Case c) {
        Pod pod = c.pod().apply(pod()).build();
        List<Object> cells = PODS.cells(pod, NOW);
        assertThat(cells.subList(0, 5)).containsExactly("web", c.ready(), c.status(), c.restarts(), "5m");
    }

    @Test
    void the_wide_columns_show_ip_node_nomination_and_readiness_gates() {
        Pod pod = pod().editSpec().withNodeName("node-1").addNewReadinessGate().withConditionType("a").endReadinessGate()
                .addNewReadinessGate().withConditionType("b").endReadinessGate().endSpec()
                .withNewStatus().withPhase("Running").addNewPodIP("10.244.1.5")
                .withConditions(new PodConditionBuilder().withType("a").withStatus("True").build(),
                        new PodConditionBuilder().withType("b").withStatus("False").build())
                .endStatus().build();
        assertThat(PODS.cells(pod, NOW).subList(5, 9)).containsExactly("10.244.1.5", "node-1", "<none>", "1/2");
        assertThat(PODS.cells(pod().build(), NOW).subList(5, 9))
                .containsExactly("<none>", "<none>", "<none>", "<none>");
    }

    @Test
    void pod_columns_are_kubernetes_columns_with_wide_ones_at_priority_1() {
        assertThat(PODS.columns()).extracting(c -> c.getName() + ":" + c.getPriority()).containsExactly(
                "Name:0", "Ready:0", "Status:0", "Restarts:0", "Age:0", "IP:1", "Node:1", "Nominated Node:1",
                "Readiness Gates:1");
        assertThat(PODS.columns().get(0).getFormat()).isEqualTo("name");
    }
}
