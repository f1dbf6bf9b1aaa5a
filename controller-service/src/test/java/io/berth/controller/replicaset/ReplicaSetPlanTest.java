package io.berth.controller.replicaset;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicaSetPlanTest {

    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    /** A pod: name, node ("" = unbound), phase, ready since (null = not ready), restarts, created. */
    static Pod pod(String name, String node, String phase, String readySince, int restarts, String created) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").withUid("uid-" + name)
                .withCreationTimestamp(created).addToLabels("app", "web").endMetadata()
                .withNewSpec().withNodeName(node.isEmpty() ? null : node).endSpec()
                .withNewStatus().withPhase(phase)
                .addNewContainerStatus().withName("c").withRestartCount(restarts).endContainerStatus().endStatus();
        if (readySince != null) {
            b.editStatus().addNewCondition().withType("Ready").withStatus("True").withLastTransitionTime(readySince)
                    .endCondition().endStatus();
        }
        return b.build();
    }

    static Pod running(String name, String node, String readySince, String created) {
        return pod(name, node, "Running", readySince, 0, created);
    }

    record ScaleCase(String name, int replicas, List<Pod> active, int create, List<String> delete) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<ScaleCase> scales() {
        String t0 = "2026-11-28T10:00:00Z";
        String t1 = "2026-11-28T11:00:00Z";
        List<Pod> three = List.of(running("a", "n1", t0, t0), running("b", "n2", t0, t0), running("c", "n3", t0, t0));
        List<Pod> many = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            many.add(running("p" + i, "n" + i, t0, t0));
        }
        return Stream.of(
                new ScaleCase("at its size it does nothing", 3, three, 0, List.of()),
                new ScaleCase("below its size it creates the difference", 5, three, 2, List.of()),
                new ScaleCase("from nothing it creates all", 3, List.of(), 3, List.of()),
                new ScaleCase("creations are capped at the burst of 500", 1000, List.of(), 500, List.of()),
                new ScaleCase("deletions are capped at the burst of 500", 0, many, 0, many.subList(0, 500).stream()
                        .map(p -> p.getMetadata().getName()).toList().isEmpty() ? List.of() : null),
                new ScaleCase("an unbound pod goes before a bound one", 1,
                        List.of(running("bound", "n1", t0, t0), pod("unbound", "", "Pending", null, 0, t1)),
                        0, List.of("unbound")),
                new ScaleCase("a pending pod goes before a running one", 1,
                        List.of(running("run", "n1", t0, t0), pod("pend", "n2", "Pending", null, 0, t0)),
                        0, List.of("pend")),
                new ScaleCase("a not-ready pod goes before a ready one", 1,
                        List.of(running("ready", "n1", t0, t0), running("unready", "n2", null, t0)),
                        0, List.of("unready")),
                new ScaleCase("of two on one node and one alone, one of the doubled goes", 2,
                        List.of(running("alone", "n1", t0, t0), running("twin1", "n2", t0, t0),
                                running("twin2", "n2", t0, t0)),
                        0, null),
                new ScaleCase("the pod ready for less time goes first", 1,
                        List.of(running("old", "n1", t0, t0), running("fresh", "n2", t1, t0)),
                        0, List.of("fresh")),
                new ScaleCase("more restarts go first", 1,
                        List.of(pod("calm", "n1", "Running", t0, 0, t0), pod("crashy", "n2", "Running", t0, 5, t0)),
                        0, List.of("crashy")),
                new ScaleCase("the newest goes first when all else is equal", 1,
                        List.of(running("older", "n1", t0, t0), running("newer", "n2", t0, t1)),
                        0, List.of("newer")));
    }

    @ParameterizedTest
    @MethodSource("scales")
    void theScalingStepCreatesOrDeletesTheLeastValuablePods(ScaleCase c) {
        ReplicaSetPlan.Scale scale = ReplicaSetPlan.scale(c.replicas(), c.active());
        assertThat(scale.create()).isEqualTo(c.create());
        if (c.name().contains("burst of 500") && c.replicas() == 0) {
            assertThat(scale.delete()).hasSize(500);
        } else if (c.name().contains("doubled")) {
            assertThat(scale.delete()).singleElement().satisfies(p ->
                    assertThat(p.getMetadata().getName()).startsWith("twin"));
        } else {
            assertThat(scale.delete()).extracting(p -> p.getMetadata().getName())
                    .containsExactlyElementsOf(c.delete());
        }
    }

    @Test
    void slowStartBatchesDoubleUntilTheTotal() {
        assertThat(ReplicaSetPlan.slowStartBatches(0)).isEmpty();
        assertThat(ReplicaSetPlan.slowStartBatches(1)).containsExactly(1);
        assertThat(ReplicaSetPlan.slowStartBatches(10)).containsExactly(1, 2, 4, 3);
        assertThat(ReplicaSetPlan.slowStartBatches(15)).containsExactly(1, 2, 4, 8);
    }

    static ReplicaSet rs(int minReadySeconds) {
        return new ReplicaSetBuilder().withNewMetadata().withName("web").withNamespace("ns").withUid("rs-uid")
                .withGeneration(4L).endMetadata()
                .withNewSpec().withReplicas(3).withMinReadySeconds(minReadySeconds)
                .withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").addToLabels("tier", "front")
                .endMetadata().endTemplate().endSpec().build();
    }

    @Test
    void statusCountsReadyAvailableAndFullyLabeledPodsAndTheObservedGeneration() {
        Pod labelled = new PodBuilder(running("a", "n1", "2026-11-28T11:59:50Z", "2026-11-28T11:00:00Z"))
                .editMetadata().addToLabels("tier", "front").endMetadata().build();
        List<Pod> pods = List.of(labelled,
                running("b", "n2", "2026-11-28T11:00:00Z", "2026-11-28T11:00:00Z"),
                running("c", "n3", null, "2026-11-28T11:00:00Z"));
        ReplicaSetStatus status = ReplicaSetPlan.status(rs(30), pods, null, null, NOW);
        assertThat(status.getReplicas()).isEqualTo(3);
        assertThat(status.getFullyLabeledReplicas()).isEqualTo(1);
        assertThat(status.getReadyReplicas()).isEqualTo(2);
        // a was ready 10 s ago: not yet available with minReadySeconds 30
        assertThat(status.getAvailableReplicas()).isEqualTo(1);
        assertThat(status.getObservedGeneration()).isEqualTo(4L);
        assertThat(status.getConditions()).isNull();
    }

    @Test
    void aFailedCreationSetsReplicaFailureAndAnUnchangedStatusIsNoChange() {
        ReplicaSetStatus failed = ReplicaSetPlan.status(rs(0), List.of(), "FailedCreate", "quota exceeded", NOW);
        assertThat(failed.getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo("ReplicaFailure");
            assertThat(c.getReason()).isEqualTo("FailedCreate");
            assertThat(c.getMessage()).isEqualTo("quota exceeded");
        });
        ReplicaSet withStatus = new ReplicaSetBuilder(rs(0)).withStatus(failed).build();
        ReplicaSetStatus again = ReplicaSetPlan.status(withStatus, List.of(), "FailedCreate", "quota exceeded",
                NOW.plusSeconds(60));
        assertThat(ReplicaSetPlan.changed(failed, again)).isFalse();
        ReplicaSetStatus recovered = ReplicaSetPlan.status(withStatus, List.of(), null, null, NOW.plusSeconds(60));
        assertThat(recovered.getConditions()).isNull();
        assertThat(ReplicaSetPlan.changed(failed, recovered)).isTrue();
    }
}
