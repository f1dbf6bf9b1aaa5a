package io.berth.controller.deployment;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.berth.controller.deployment.RolloutPlanTest.deployment;
import static io.berth.controller.deployment.RolloutPlanTest.rs;
import static org.assertj.core.api.Assertions.assertThat;

/** A deployment's status and conditions from its replica sets, as Kubernetes' calculateStatus and syncRolloutStatus. */
class DeploymentStatusPlanTest {

    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    static Deployment withDeadline(Deployment d, int seconds, DeploymentStatus status) {
        return new DeploymentBuilder(d).editSpec().withProgressDeadlineSeconds(seconds).endSpec().withStatus(status)
                .build();
    }

    static DeploymentCondition progressing(DeploymentStatus s) {
        return DeploymentStatusPlan.get(s, DeploymentStatusPlan.PROGRESSING);
    }

    @Test
    void countsSumTheSetsAndAvailabilityFollowsMaxUnavailable() {
        Deployment d = deployment(4, 1, 1);
        ReplicaSet newSet = rs("new", 5, 2, 2, 4, 5);
        ReplicaSet old = rs("old", 1, 2, 1, 4, 5);
        DeploymentStatus s = DeploymentStatusPlan.counts(d, List.of(old, newSet), newSet, NOW);
        assertThat(s.getReplicas()).isEqualTo(4);
        assertThat(s.getUpdatedReplicas()).isEqualTo(2);
        assertThat(s.getAvailableReplicas()).isEqualTo(3);
        assertThat(s.getUnavailableReplicas()).isEqualTo(1);
        assertThat(s.getObservedGeneration()).isEqualTo(1L);
        // 3 available >= 4 - maxUnavailable 1
        assertThat(DeploymentStatusPlan.get(s, DeploymentStatusPlan.AVAILABLE).getStatus()).isEqualTo("True");

        DeploymentStatus short2 = DeploymentStatusPlan.counts(d, List.of(rs("new", 5, 4, 2, 4, 5)),
                rs("new", 5, 4, 2, 4, 5), NOW);
        DeploymentCondition available = DeploymentStatusPlan.get(short2, DeploymentStatusPlan.AVAILABLE);
        assertThat(available.getStatus()).isEqualTo("False");
        assertThat(available.getReason()).isEqualTo("MinimumReplicasUnavailable");
    }

    @Test
    void aRolloutThatMovesIsProgressingAndKeepsItsTransitionTimeWhileItMoves() {
        Deployment before = withDeadline(deployment(4, 1, 0), 600, new DeploymentStatusBuilder().withReplicas(4)
                .withUpdatedReplicas(1).withAvailableReplicas(4)
                .withConditions(new DeploymentCondition("2026-11-28T11:00:00Z", "2026-11-28T11:00:00Z", "m",
                        "ReplicaSetUpdated", "True", "Progressing")).build());
        ReplicaSet newSet = rs("new", 5, 2, 2, 4, 5);
        DeploymentStatus s = DeploymentStatusPlan.rollout(before, List.of(rs("old", 1, 3, 3, 4, 5), newSet), newSet,
                NOW);
        assertThat(progressing(s).getReason()).isEqualTo("ReplicaSetUpdated");
        assertThat(progressing(s).getMessage()).isEqualTo("ReplicaSet \"new\" is progressing.");
        assertThat(progressing(s).getLastTransitionTime()).isEqualTo("2026-11-28T11:00:00Z");
        assertThat(progressing(s).getLastUpdateTime()).isEqualTo("2026-11-28T12:00:00Z");
    }

    @Test
    void aFinishedRolloutReportsNewReplicaSetAvailable() {
        Deployment d = withDeadline(deployment(4, 1, 0), 600, new DeploymentStatusBuilder().withReplicas(5)
                .withUpdatedReplicas(4).withAvailableReplicas(4).build());
        ReplicaSet newSet = rs("new", 5, 4, 4, 4, 5);
        DeploymentStatus s = DeploymentStatusPlan.rollout(d, List.of(rs("old", 1, 0, 0, 4, 5), newSet), newSet, NOW);
        assertThat(DeploymentStatusPlan.complete(d, s)).isTrue();
        assertThat(progressing(s).getReason()).isEqualTo(DeploymentStatusPlan.NEW_RS_AVAILABLE);
        assertThat(progressing(s).getMessage()).isEqualTo("ReplicaSet \"new\" has successfully progressed.");
        assertThat(DeploymentStatusPlan.untilDeadline(d, s, NOW)).isNull();
    }

    @Test
    void noProgressPastTheDeadlineTimesOutAndUntilThenARecheckIsDue() {
        DeploymentStatus stuck = new DeploymentStatusBuilder().withReplicas(5).withUpdatedReplicas(1)
                .withAvailableReplicas(4).withConditions(new DeploymentCondition("2026-11-28T11:59:00Z",
                        "2026-11-28T11:59:00Z", "m", "ReplicaSetUpdated", "True", "Progressing")).build();
        Deployment d = withDeadline(deployment(4, 1, 0), 30, stuck);
        ReplicaSet newSet = rs("new", 5, 1, 0, 4, 5);
        List<ReplicaSet> all = List.of(rs("old", 1, 4, 4, 4, 5), newSet);

        DeploymentStatus early = DeploymentStatusPlan.rollout(d, all, newSet, Instant.parse("2026-11-28T11:59:20Z"));
        assertThat(progressing(early).getReason()).isEqualTo("ReplicaSetUpdated");
        assertThat(DeploymentStatusPlan.untilDeadline(d, early, Instant.parse("2026-11-28T11:59:20Z")))
                .isEqualTo(Duration.ofSeconds(11));

        DeploymentStatus late = DeploymentStatusPlan.rollout(d, all, newSet, NOW);
        assertThat(progressing(late).getStatus()).isEqualTo("False");
        assertThat(progressing(late).getReason()).isEqualTo(DeploymentStatusPlan.TIMED_OUT);
        assertThat(progressing(late).getMessage()).isEqualTo("ReplicaSet \"new\" has timed out progressing.");
    }

    @Test
    void pauseAndResumeSetProgressingUnknownOnceEach() {
        Deployment paused = new DeploymentBuilder(deployment(2, 1, 0)).editSpec().withPaused(true).endSpec().build();
        DeploymentCondition pause = DeploymentStatusPlan.pauseCondition(paused, NOW);
        assertThat(pause.getStatus()).isEqualTo("Unknown");
        assertThat(pause.getReason()).isEqualTo(DeploymentStatusPlan.PAUSED);
        Deployment stillPaused = new DeploymentBuilder(paused).withNewStatus().withConditions(pause).endStatus()
                .build();
        assertThat(DeploymentStatusPlan.pauseCondition(stillPaused, NOW)).isNull();
        Deployment resumed = new DeploymentBuilder(stillPaused).editSpec().withPaused(false).endSpec().build();
        assertThat(DeploymentStatusPlan.pauseCondition(resumed, NOW).getReason())
                .isEqualTo(DeploymentStatusPlan.RESUMED);
    }

    @Test
    void anUnchangedStatusIsNoChangeSoASyncWritesNothing() {
        Deployment d = deployment(2, 1, 0);
        ReplicaSet newSet = rs("new", 5, 2, 2, 2, 3);
        DeploymentStatus first = DeploymentStatusPlan.counts(d, List.of(newSet), newSet, NOW);
        Deployment written = new DeploymentBuilder(d).withStatus(first).build();
        DeploymentStatus again = DeploymentStatusPlan.counts(written, List.of(newSet), newSet, NOW.plusSeconds(30));
        assertThat(DeploymentStatusPlan.changed(first, again)).isFalse();
    }

    @Test
    void theTemplateHashIsStableAndMovesWithTheTemplateAndTheCollisionCount() {
        var json = new io.fabric8.kubernetes.client.utils.KubernetesSerialization();
        var template = new io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder().withNewMetadata()
                .addToLabels("app", "web").endMetadata().withNewSpec().addNewContainer().withName("c")
                .withImage("host").endContainer().endSpec().build();
        String h = DeploymentUtil.templateHash(template, null, json);
        assertThat(h).matches("[bcdfghjklmnpqrstvwxz2456789]+");
        assertThat(DeploymentUtil.templateHash(template, null, json)).isEqualTo(h);
        assertThat(DeploymentUtil.templateHash(template, 1, json)).isNotEqualTo(h);
        var changed = new io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder(template).editSpec()
                .editFirstContainer().withImage("host:v2").endContainer().endSpec().build();
        assertThat(DeploymentUtil.templateHash(changed, null, json)).isNotEqualTo(h);
        var hashed = new io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder(template).editMetadata()
                .addToLabels(DeploymentUtil.HASH_LABEL, h).endMetadata().build();
        assertThat(DeploymentUtil.equalIgnoreHash(hashed, template)).isTrue();
        assertThat(DeploymentUtil.equalIgnoreHash(changed, template)).isFalse();
    }
}
