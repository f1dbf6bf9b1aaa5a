package io.berth.controller.nodelifecycle;

import io.berth.controller.config.ControllerProperties;
import io.berth.controller.runtime.Result;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.berth.controller.nodelifecycle.Fixtures.T0;
import static io.berth.controller.nodelifecycle.Fixtures.at;
import static io.berth.controller.nodelifecycle.Fixtures.lease;
import static io.berth.controller.nodelifecycle.Fixtures.node;
import static io.berth.controller.nodelifecycle.Fixtures.pod;
import static io.berth.controller.nodelifecycle.Fixtures.taint;
import static io.berth.controller.nodelifecycle.Fixtures.tolerateFor;
import static io.berth.controller.nodelifecycle.Fixtures.toleration;
import static io.berth.controller.nodelifecycle.NodeTaints.NOT_READY;
import static io.berth.controller.nodelifecycle.NodeTaints.UNREACHABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeLifecycleReconcilerTest {

    private static final ControllerProperties.NodeLifecycle SETTINGS = new ControllerProperties.NodeLifecycle(
            Duration.ofSeconds(5), Duration.ofSeconds(40), 0.1, Duration.ofSeconds(60));

    private final FakeCluster cluster = new FakeCluster();
    private final TestClock clock = new TestClock(T0);
    private final List<String> enqueued = new ArrayList<>();
    private final NodeLifecycleReconciler reconciler = new NodeLifecycleReconciler(SETTINGS, cluster, cluster, clock,
            enqueued::add);

    @Test
    void aNodeWhoseKubeletFallsSilentIsUnknownTaintedAndItsIntolerantPodsEvictedAfterTheGracePeriod() {
        cluster.add(node("n1", "True", T0));
        cluster.add(lease("n1", T0));
        cluster.add(pod("plain", "n1"));
        cluster.add(pod("patient", "n1", tolerateFor(UNREACHABLE, 300)));
        cluster.add(pod("stubborn", "n1", toleration(UNREACHABLE, "Exists", null, "NoExecute", null)));

        syncAt(0, "n1");
        syncAt(40, "n1");
        assertThat(cluster.takeWrites()).isEmpty();

        syncAt(41, "n1");

        assertThat(cluster.takeWrites()).containsExactly(
                "PUT nodes/n1/status",
                "PUT nodes/n1",
                "PATCH pods/patient/status Ready=False",
                "PATCH pods/plain/status Ready=False",
                "PATCH pods/stubborn/status Ready=False",
                "PATCH pods/plain/status DisruptionTarget=True",
                "DELETE pods/plain");
        assertThat(cluster.takeEvents()).containsExactly(
                "Normal NodeNotReady Node/n1: Node n1 status is now: NodeNotReady",
                "Warning NodeNotReady Pod/patient: Node is not ready",
                "Warning NodeNotReady Pod/plain: Node is not ready",
                "Warning NodeNotReady Pod/stubborn: Node is not ready",
                "Normal TaintManagerEviction Pod/plain: Marking for deletion Pod default/plain");
        Node n1 = cluster.nodes.get("n1");
        assertThat(n1.getStatus().getConditions()).allSatisfy(c -> {
            assertThat(c.getStatus()).isEqualTo("Unknown");
            assertThat(c.getReason()).isEqualTo("NodeStatusUnknown");
        });
        assertThat(n1.getSpec().getTaints()).containsExactlyInAnyOrder(taint(UNREACHABLE, "NoSchedule"),
                taint(UNREACHABLE, null, "NoExecute", at(41)));

        syncAt(340, "n1");
        assertThat(cluster.takeWrites()).isEmpty();

        syncAt(341, "n1");
        assertThat(cluster.takeWrites()).containsExactly("PATCH pods/patient/status DisruptionTarget=True",
                "DELETE pods/patient");
        syncAt(100_000, "n1");
        assertThat(cluster.takeWrites()).isEmpty();
        assertThat(cluster.pods.get("stubborn").getMetadata().getDeletionTimestamp()).isNull();
    }

    @Test
    void aSecondSyncWithNothingChangedWritesNothing() {
        cluster.add(node("n1", "True", T0));
        cluster.add(pod("plain", "n1"));
        syncAt(0, "n1");
        syncAt(41, "n1");
        cluster.takeWrites();
        cluster.takeEvents();

        syncAt(41, "n1");
        syncAt(45, "n1");

        assertThat(cluster.takeWrites()).isEmpty();
        assertThat(cluster.takeEvents()).isEmpty();
    }

    @Test
    void atStartUpANodeGetsAFullGracePeriodFromWhenTheControllerFirstSawIt() {
        cluster.add(node("n1", "True", at(-3600)));

        syncAt(0, "n1");
        syncAt(40, "n1");
        assertThat(cluster.takeWrites()).isEmpty();

        syncAt(41, "n1");
        assertThat(cluster.takeWrites()).contains("PUT nodes/n1/status");
    }

    @Test
    void aNodeThatNeverPostedStatusGetsTheStartupGracePeriod() {
        cluster.add(new NodeBuilder(node("n1", "True", T0)).editStatus().withConditions().endStatus().build());

        syncAt(0, "n1");
        syncAt(60, "n1");
        assertThat(cluster.takeWrites()).isEmpty();

        syncAt(61, "n1");
        assertThat(cluster.takeWrites()).contains("PUT nodes/n1/status");
        assertThat(NodeStatusPlan.condition(cluster.nodes.get("n1").getStatus().getConditions(), "Ready")
                .getReason()).isEqualTo("NodeStatusNeverUpdated");
        assertThat(cluster.takeEvents()).noneMatch(e -> e.contains("NodeNotReady Node/"));
    }

    @Test
    void aRenewedLeaseKeepsANodeAliveThoughItsStatusHeartbeatIsOld() {
        cluster.add(node("n1", "True", T0));
        for (int s = 0; s <= 200; s += 5) {
            cluster.add(lease("n1", at(s)));
            syncAt(s, "n1");
        }

        assertThat(cluster.takeWrites()).isEmpty();
    }

    @Test
    void aFreshStatusHeartbeatKeepsANodeAliveWithoutALease() {
        for (int s = 0; s <= 200; s += 10) {
            cluster.add(node("n1", "True", at(s)));
            syncAt(s, "n1");
        }

        assertThat(cluster.takeWrites()).isEmpty();
    }

    @Test
    void aNodeThatComesBackLosesItsTaintsAndNoMorePodIsEvicted() {
        cluster.add(node("n1", "True", T0));
        cluster.add(pod("patient", "n1", tolerateFor(UNREACHABLE, 300)));
        syncAt(0, "n1");
        syncAt(41, "n1");
        cluster.takeWrites();
        cluster.takeEvents();

        // the kubelet posts its status again (a merge patch of the conditions: the controller's taints stay)
        Node back = new NodeBuilder(node("n1", "True", at(100))).withSpec(cluster.nodes.get("n1").getSpec()).build();
        cluster.add(back);
        syncAt(100, "n1");

        assertThat(cluster.takeWrites()).containsExactly("PUT nodes/n1");
        assertThat(cluster.nodes.get("n1").getSpec().getTaints()).isEmpty();
        assertThat(cluster.takeEvents()).containsExactly(
                "Normal TaintManagerEviction Pod/patient: Cancelling deletion of Pod default/patient");
        syncAt(1000, "n1");
        assertThat(cluster.pods.get("patient").getMetadata().getDeletionTimestamp()).isNull();
    }

    @Test
    void aNodeTheKubeletReportsNotReadyIsTaintedNotReadyAndItsPodsAreLeftToTheKubelet() {
        cluster.add(node("n1", "False", T0));
        cluster.add(pod("patient", "n1", tolerateFor(NOT_READY, 300)));

        syncAt(0, "n1");

        assertThat(cluster.takeWrites()).containsExactly("PUT nodes/n1");
        assertThat(cluster.nodes.get("n1").getSpec().getTaints()).containsExactlyInAnyOrder(
                taint(NOT_READY, "NoSchedule"), taint(NOT_READY, null, "NoExecute", T0));
        assertThat(cluster.takeEvents()).isEmpty();
    }

    @Test
    void aNotReadyNodeThatFallsSilentSwapsItsNotReadyTaintForUnreachableAtOnce() {
        cluster.add(node("n1", "False", T0));
        syncAt(0, "n1");
        cluster.add(node("other", "Unknown", T0));
        syncAt(0, "other"); // takes the rate limiter's next turn

        syncAt(41, "n1");

        assertThat(cluster.nodes.get("n1").getSpec().getTaints()).containsExactlyInAnyOrder(
                taint(UNREACHABLE, "NoSchedule"), taint(UNREACHABLE, null, "NoExecute", at(41)));
    }

    @Test
    void nodesThatGoUnreachableTogetherAreTaintedNoExecuteOneEveryTenSeconds() {
        cluster.add(node("n1", "True", T0));
        cluster.add(node("n2", "True", T0));
        syncAt(0, "n1");
        syncAt(0, "n2");

        syncAt(41, "n1");
        syncAt(41, "n2");
        assertThat(noExecute("n1")).containsExactly(UNREACHABLE);
        assertThat(noExecute("n2")).isEmpty();
        assertThat(cluster.nodes.get("n2").getSpec().getTaints()).containsExactly(taint(UNREACHABLE, "NoSchedule"));

        assertThat(syncAt(46, "n2")).isEqualTo(Result.done());
        assertThat(noExecute("n2")).isEmpty();
        assertThat(syncAt(48, "n2").requeueAfter()).isEqualTo(Duration.ofSeconds(3));

        syncAt(51, "n2");
        assertThat(noExecute("n2")).containsExactly(UNREACHABLE);
    }

    @Test
    void anEvictionDueBeforeTheNextTickIsRequeuedForItsTime() {
        cluster.add(node("n1", "True", T0));
        cluster.add(pod("quick", "n1", tolerateFor(UNREACHABLE, 3)));
        syncAt(0, "n1");

        assertThat(syncAt(41, "n1").requeueAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(cluster.takeWrites()).doesNotContain("DELETE pods/quick");

        syncAt(44, "n1");
        assertThat(cluster.takeWrites()).contains("DELETE pods/quick");
    }

    @Test
    void aPodThatComesToTolerateTheTaintForeverIsNoLongerEvicted() {
        cluster.add(node("n1", "True", T0));
        cluster.add(pod("patient", "n1", tolerateFor(UNREACHABLE, 300)));
        syncAt(0, "n1");
        syncAt(41, "n1");
        cluster.takeEvents();

        Pod tolerant = cluster.pods.get("patient");
        cluster.add(new PodBuilder(tolerant).editSpec().addToTolerations(0,
                toleration(UNREACHABLE, "Exists", null, "NoExecute", null)).endSpec().build());
        syncAt(50, "n1");
        syncAt(1000, "n1");

        assertThat(cluster.takeEvents()).containsExactly(
                "Normal TaintManagerEviction Pod/patient: Cancelling deletion of Pod default/patient");
        assertThat(cluster.takeWrites()).doesNotContain("DELETE pods/patient");
    }

    @Test
    void aPodOnANodeTaintedNoExecuteByItsOwnerIsEvictedUnlessItToleratesTheTaint() {
        Taint maintenance = taint("maintenance", "now", "NoExecute", null);
        cluster.add(node("n1", "True", T0, maintenance));
        cluster.add(pod("plain", "n1"));
        cluster.add(pod("tolerant", "n1", toleration("maintenance", "Exists", null, null, 30L)));

        syncAt(0, "n1");
        assertThat(cluster.takeWrites()).containsExactly("PATCH pods/plain/status DisruptionTarget=True",
                "DELETE pods/plain");

        syncAt(29, "n1");
        assertThat(cluster.takeWrites()).isEmpty();
        syncAt(30, "n1");
        assertThat(cluster.takeWrites()).contains("DELETE pods/tolerant");
    }

    @Test
    void aConflictingNodeWriteFailsTheSyncAndTheRetryWrites() {
        cluster.add(node("n1", "True", T0));
        syncAt(0, "n1");
        cluster.conflictNext(1);

        assertThatThrownBy(() -> syncAt(41, "n1")).isInstanceOf(KubernetesClientException.class);
        assertThat(cluster.takeWrites()).isEmpty();

        syncAt(41, "n1");
        assertThat(cluster.takeWrites()).containsExactly("PUT nodes/n1/status", "PUT nodes/n1");
    }

    @Test
    void theTickEnqueuesEveryNodeAndComesBackAfterTheMonitorPeriod() {
        cluster.add(node("n1", "True", T0));
        cluster.add(node("n2", "True", T0));

        Result result = reconciler.reconcile(NodeLifecycleReconciler.ALL_NODES);

        assertThat(enqueued).containsExactly("n1", "n2");
        assertThat(result.requeueAfter()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aDeletedNodeIsForgotten() {
        cluster.add(node("n1", "True", T0));
        syncAt(0, "n1");
        cluster.nodes.remove("n1");

        assertThat(syncAt(100, "n1")).isEqualTo(Result.done());

        cluster.add(node("n1", "True", T0));
        syncAt(101, "n1");
        assertThat(cluster.takeWrites()).as("a node seen again gets a new grace period").isEmpty();
    }

    private Result syncAt(long seconds, String node) {
        clock.set(at(seconds));
        return reconciler.reconcile(node);
    }

    private List<String> noExecute(String node) {
        return NodeTaints.noExecute(cluster.nodes.get(node)).stream().map(Taint::getKey).toList();
    }
}
