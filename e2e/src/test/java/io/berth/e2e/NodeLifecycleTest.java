package io.berth.e2e;

import io.berth.testkit.ClusterHarness;
import io.berth.testkit.ControllerHandle;
import io.berth.testkit.NodeAgentHandle;
import io.berth.testkit.SchedulerHandle;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Node lifecycle end to end: a simulated node whose agent dies stops renewing its Lease; the controller manager marks
 * it NotReady (Ready=Unknown) within its grace period + 5 s of the last renewal, taints it unreachable, evicts its
 * pods once their (test-configured, 5 s) toleration runs out, and the Deployment replaces them on the other nodes.
 */
class NodeLifecycleTest {

    private static final String NS = "lifecycle-e2e";
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final String LOST_NODE = "lifecycle-lost-0";

    private static ClusterHarness cluster;
    private static KubernetesClient client;
    private static NodeAgentHandle healthy;
    private static NodeAgentHandle doomed;
    private static SchedulerHandle scheduler;
    private static ControllerHandle controller;

    @BeforeAll
    static void start() {
        cluster = SharedCluster.get();
        client = SharedCluster.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        healthy = simulator("lifecycle-ok-", 3, Map.of());
        doomed = simulator("lifecycle-lost-", 1, Map.of("berth.node.simulate.labels[lost]", "yes"));
        scheduler = cluster.startScheduler("lifecycle-e2e-scheduler", Map.of(
                "berth.scheduler.leader-election.enabled", "false"));
        controller = cluster.startController("lifecycle-e2e-controller", Map.of(
                "berth.controller.leader-election.enabled", "false",
                "berth.controller.node-lifecycle.monitor-period", "1s",
                "berth.controller.node-lifecycle.monitor-grace-period", GRACE.toSeconds() + "s",
                "berth.controller.node-lifecycle.startup-grace-period", GRACE.toSeconds() + "s",
                // nodes other test classes left behind go unreachable too: a high rate keeps them from queueing
                // ahead of this test's node for their NoExecute taints
                "berth.controller.node-lifecycle.eviction-rate", "50"));
    }

    private static NodeAgentHandle simulator(String prefix, int count, Map<String, String> extra) {
        Map<String, String> props = new java.util.HashMap<>(Map.of(
                "berth.node.simulate.count", Integer.toString(count),
                "berth.node.simulate.name-prefix", prefix,
                "berth.node.simulate.token-file", cluster.simulatorTokenFile().toString(),
                "berth.node.simulate.labels[berth.io/e2e]", "lifecycle",
                "berth.node.simulate.start-delay", "200ms",
                "berth.node.lease-renew-interval", "2s",
                "berth.node.status-update-interval", "5s"));
        props.putAll(extra);
        return cluster.startNodeAgent(prefix + "sim", props, Duration.ofMinutes(2));
    }

    @AfterAll
    static void stop() {
        Quietly.close(controller, scheduler, healthy, doomed);
        if (client != null) {
            client.namespaces().withName(NS).delete();
            client.nodes().withLabel("berth.io/e2e", "lifecycle").delete();
            client.close();
        }
    }

    @Test
    void aNodeThatStopsRenewingItsLeaseGoesNotReadyAndItsPodsAreReplacedElsewhere() {
        Deployment d = new DeploymentBuilder()
                .withNewMetadata().withName("sticky").withNamespace(NS).endMetadata()
                .withNewSpec().withReplicas(3)
                .withNewSelector().addToMatchLabels("app", "sticky").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "sticky").endMetadata()
                .withNewSpec()
                .withNodeSelector(Map.of("berth.io/e2e", "lifecycle"))
                .withNewAffinity().withNewNodeAffinity().addNewPreferredDuringSchedulingIgnoredDuringExecution()
                .withWeight(100).withNewPreference().addNewMatchExpression().withKey("lost").withOperator("In")
                .withValues("yes").endMatchExpression().endPreference().endPreferredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity().endAffinity()
                .addNewToleration().withKey("berth.io/simulated").withOperator("Exists").endToleration()
                .addNewToleration().withKey("node.kubernetes.io/unreachable").withOperator("Exists")
                .withEffect("NoExecute").withTolerationSeconds(5L).endToleration()
                .addNewToleration().withKey("node.kubernetes.io/not-ready").withOperator("Exists")
                .withEffect("NoExecute").withTolerationSeconds(5L).endToleration()
                .addNewContainer().withName("c").withImage("host").withCommand("sleep", "3600").endContainer()
                .endSpec().endTemplate().endSpec().build();
        client.apps().deployments().inNamespace(NS).resource(d).create();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            Deployment now = client.apps().deployments().inNamespace(NS).withName("sticky").get();
            assertThat(now.getStatus()).isNotNull();
            assertThat(now.getStatus().getAvailableReplicas()).isEqualTo(3);
        });
        List<Pod> before = pods();
        assertThat(before).as("the preferred node takes at least one pod").anyMatch(p ->
                LOST_NODE.equals(p.getSpec().getNodeName()));

        doomed.kill();
        Lease lease = client.leases().inNamespace("kube-node-lease").withName(LOST_NODE).get();
        Instant lastRenewal = lease.getSpec().getRenewTime().toInstant();

        NodeCondition[] ready = new NodeCondition[1];
        await().atMost(GRACE.plusSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            ready[0] = readyCondition(client.nodes().withName(LOST_NODE).get());
            return ready[0] != null && "Unknown".equals(ready[0].getStatus());
        });
        assertThat(ready[0].getReason()).isEqualTo("NodeStatusUnknown");
        Instant notReadyAt = Instant.parse(ready[0].getLastTransitionTime());
        assertThat(Duration.between(lastRenewal, notReadyAt)).as("NotReady within grace + 5 s of the last renewal")
                .isLessThanOrEqualTo(GRACE.plusSeconds(5));
        // the NoSchedule taint follows the condition at once; NoExecute comes through the eviction rate limiter
        Node[] tainted = new Node[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            tainted[0] = client.nodes().withName(LOST_NODE).get();
            assertThat(tainted[0].getSpec().getTaints()).extracting(t -> t.getKey() + ":" + t.getEffect())
                    .contains("node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/unreachable:NoSchedule");
        });
        Node lost = tainted[0];

        // evicted after their 5 s toleration (they stay Terminating: no agent finishes them), replaced elsewhere
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            List<Pod> live = pods().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
            assertThat(live).hasSize(3).allSatisfy(p -> assertThat(p.getSpec().getNodeName()).isNotEqualTo(LOST_NODE)
                    .isNotNull());
            assertThat(live).allSatisfy(p -> assertThat(p.getStatus().getPhase()).isEqualTo("Running"));
        });
        Instant taintedAt = lost.getSpec().getTaints().stream().filter(t -> "NoExecute".equals(t.getEffect()))
                .map(t -> Instant.parse(t.getTimeAdded())).findFirst().orElseThrow();
        for (Pod p : pods()) {
            if (LOST_NODE.equals(p.getSpec().getNodeName())) {
                assertThat(p.getMetadata().getDeletionTimestamp()).as("evicted").isNotNull();
                Instant deletedAt = Instant.parse(p.getMetadata().getDeletionTimestamp())
                        .minusSeconds(p.getMetadata().getDeletionGracePeriodSeconds());
                assertThat(deletedAt).as("not before its toleration ran out").isAfterOrEqualTo(taintedAt.plusSeconds(4));
            }
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(client.apps().deployments()
                .inNamespace(NS).withName("sticky").get().getStatus()).isNotNull()
                .satisfies(st -> assertThat(st.getAvailableReplicas()).isEqualTo(3)));
    }

    private static List<Pod> pods() {
        return client.pods().inNamespace(NS).withLabel("app", "sticky").list().getItems();
    }

    private static NodeCondition readyCondition(Node node) {
        if (node == null || node.getStatus() == null || node.getStatus().getConditions() == null) {
            return null;
        }
        return node.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst()
                .orElse(null);
    }
}
