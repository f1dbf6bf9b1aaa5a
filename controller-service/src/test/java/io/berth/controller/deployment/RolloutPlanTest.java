package io.berth.controller.deployment;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The rollout arithmetic of Kubernetes' deployment controller, row by row. */
class RolloutPlanTest {

    static Deployment deployment(int replicas, Object maxSurge, Object maxUnavailable) {
        return new DeploymentBuilder().withNewMetadata().withName("web").withNamespace("ns").withUid("d-uid")
                .withGeneration(1L).endMetadata()
                .withNewSpec().withReplicas(replicas)
                .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxSurge(intOrPercent(maxSurge)).withMaxUnavailable(intOrPercent(maxUnavailable))
                .endRollingUpdate().endStrategy().endSpec().build();
    }

    static IntOrString intOrPercent(Object v) {
        return v instanceof Integer i ? new IntOrString(i) : new IntOrString((String) v);
    }

    /** A replica set: name, created (minute), size, available pods, sized-for annotations (or null). */
    static ReplicaSet rs(String name, int minute, int replicas, int available, Integer desired, Integer max) {
        ReplicaSetBuilder b = new ReplicaSetBuilder().withNewMetadata().withName(name).withNamespace("ns")
                .withUid("uid-" + name).withCreationTimestamp(String.format("2026-11-28T10:%02d:00Z", minute))
                .endMetadata()
                .withNewSpec().withReplicas(replicas).endSpec()
                .withNewStatus().withReplicas(replicas).withAvailableReplicas(available).endStatus();
        if (desired != null) {
            b.editMetadata().addToAnnotations(DeploymentUtil.DESIRED_REPLICAS, desired.toString())
                    .addToAnnotations(DeploymentUtil.MAX_REPLICAS, max.toString()).endMetadata();
        }
        return b.build();
    }

    static Map<String, Integer> names(Map<ReplicaSet, Integer> sizes) {
        Map<String, Integer> out = new LinkedHashMap<>();
        sizes.forEach((rs, n) -> out.put(rs.getMetadata().getName(), n));
        return out;
    }

    @Test
    void fencepostsRoundSurgeUpAndUnavailabilityDownAndNeverBothZero() {
        assertThat(DeploymentUtil.fenceposts(deployment(10, "25%", "25%")))
                .isEqualTo(new DeploymentUtil.Fenceposts(3, 2));
        assertThat(DeploymentUtil.fenceposts(deployment(3, 0, 0))).isEqualTo(new DeploymentUtil.Fenceposts(0, 1));
        assertThat(DeploymentUtil.fenceposts(deployment(4, "0%", "10%"))).isEqualTo(new DeploymentUtil.Fenceposts(0, 1));
        assertThat(DeploymentUtil.fenceposts(deployment(4, 2, 1))).isEqualTo(new DeploymentUtil.Fenceposts(2, 1));
    }

    record Step(String name, Deployment d, ReplicaSet newSet, List<ReplicaSet> old, Map<String, Integer> up,
                Map<String, Integer> down) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Step> rollingSteps() {
        Deployment surge1 = deployment(4, 1, 0);
        return Stream.of(
                new Step("maxSurge 1: the new set grows by one above the total",
                        surge1, rs("new", 5, 0, 0, null, null), List.of(rs("old", 1, 4, 4, 4, 5)),
                        Map.of("new", 1), Map.of()),
                new Step("maxUnavailable 0: the old set waits for the new pod to be available",
                        surge1, rs("new", 5, 1, 0, null, null), List.of(rs("old", 1, 4, 4, 4, 5)),
                        Map.of(), Map.of()),
                new Step("once the new pod is available one old pod goes",
                        surge1, rs("new", 5, 1, 1, null, null), List.of(rs("old", 1, 4, 4, 4, 5)),
                        Map.of(), Map.of("old", 3)),
                new Step("at full size the new set does not grow and the last old pod goes when allowed",
                        surge1, rs("new", 5, 4, 4, null, null), List.of(rs("old", 1, 1, 1, 4, 5)),
                        Map.of(), Map.of("old", 0)),
                new Step("unavailable old pods are scaled down first, at no cost in availability",
                        deployment(4, 0, 1), rs("new", 5, 1, 1, null, null),
                        List.of(rs("old", 1, 3, 1, 4, 4)),
                        Map.of(), Map.of("old", 2)),
                new Step("the oldest set goes first",
                        deployment(4, 0, 2), rs("new", 9, 2, 2, null, null),
                        List.of(rs("older", 1, 1, 1, 4, 4), rs("middle", 5, 1, 1, 4, 4)),
                        Map.of(), Map.of("older", 0, "middle", 0)),
                new Step("a new set above the deployment's size shrinks to it",
                        deployment(2, 1, 0), rs("new", 5, 4, 4, null, null), List.of(),
                        Map.of("new", 2), Map.of()));
    }

    @ParameterizedTest
    @MethodSource("rollingSteps")
    void aRollingUpdateMovesOneStepWithinItsFenceposts(Step s) {
        List<ReplicaSet> all = new java.util.ArrayList<>(s.old());
        all.add(s.newSet());
        assertThat(names(RolloutPlan.reconcileNew(s.d(), s.newSet(), all))).isEqualTo(s.up());
        if (s.up().isEmpty()) {
            assertThat(names(RolloutPlan.reconcileOld(s.d(), s.newSet(), s.old()))).isEqualTo(s.down());
        }
    }

    @Test
    void recreateSizesTheNewSetAtOnceAndScalesEveryOldSetToZeroFirst() {
        Deployment d = new DeploymentBuilder(deployment(3, 1, 0)).editSpec().editStrategy().withType("Recreate")
                .withRollingUpdate(null).endStrategy().endSpec().build();
        assertThat(RolloutPlan.newSetReplicas(d, List.of(), 0)).isEqualTo(3);
        assertThat(names(RolloutPlan.recreateScaleDown(List.of(rs("a", 1, 2, 2, 3, 3), rs("b", 2, 0, 0, 3, 3)))))
                .isEqualTo(Map.of("a", 0));
    }

    @Test
    void aScalingEventMidRolloutSpreadsTheChangeInProportionToTheSets() {
        // 10 replicas (maxSurge 3) mid-rollout: new 6, old 6 (= 12, under 13); scaled to 20 (+3 = 23 allowed)
        Deployment d = deployment(20, "25%", "25%");
        ReplicaSet newSet = rs("new", 5, 6, 6, 10, 13);
        ReplicaSet old = rs("old", 1, 6, 6, 10, 13);
        assertThat(RolloutPlan.scalingEvent(d, List.of(newSet, old))).isTrue();
        Map<String, Integer> sizes = names(RolloutPlan.proportional(d, newSet, List.of(old)));
        // 25 allowed (20 + 5 surge); each set grows by about 6 * 25 / 13 - 6 = 6; the rest to the larger/newer
        assertThat(sizes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(25);
        assertThat(sizes).containsOnlyKeys("new", "old");
        assertThat(Math.abs(sizes.get("new") - sizes.get("old"))).isLessThanOrEqualTo(1);
    }

    @Test
    void aScalingEventWithOneActiveSetScalesJustThatSet() {
        Deployment d = deployment(10, 1, 0);
        assertThat(names(RolloutPlan.proportional(d, rs("new", 5, 3, 3, 3, 4), List.of(rs("old", 1, 0, 0, 3, 4)))))
                .isEqualTo(Map.of("new", 10));
    }

    @Test
    void historyBeyondTheLimitGoesOldestRevisionFirstButNeverASetStillHoldingPods() {
        Deployment d = new DeploymentBuilder(deployment(1, 1, 0)).editSpec().withRevisionHistoryLimit(1).endSpec()
                .build();
        ReplicaSet r1 = revision(rs("r1", 1, 0, 0, 1, 2), 1);
        ReplicaSet r2 = revision(rs("r2", 2, 1, 1, 1, 2), 2);
        ReplicaSet r3 = revision(rs("r3", 3, 0, 0, 1, 2), 3);
        assertThat(RolloutPlan.cleanup(d, List.of(r3, r2, r1))).extracting(rs -> rs.getMetadata().getName())
                .containsExactly("r1");
        assertThat(RolloutPlan.cleanup(d, List.of(r2, r3))).as("r2 still has a pod").isEmpty();
    }

    static ReplicaSet revision(ReplicaSet rs, int revision) {
        return new ReplicaSetBuilder(rs).editMetadata().addToAnnotations(DeploymentUtil.REVISION,
                Integer.toString(revision)).endMetadata().build();
    }
}
