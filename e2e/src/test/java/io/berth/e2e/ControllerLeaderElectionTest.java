package io.berth.e2e;

import io.berth.testkit.ClusterHarness;
import io.berth.testkit.ControllerHandle;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two controller-manager replicas elect one leader on the Lease {@code kube-system/kube-controller-manager}; the
 * leader's controllers work (a ReplicaSet gets its pods), and killing it hands the work to the other within the
 * Lease's bound.
 */
class ControllerLeaderElectionTest {

    private static final String NS = "ctl-election";
    private static final Duration LEASE = Duration.ofSeconds(6);

    private static ClusterHarness cluster;
    private static KubernetesClient client;
    private static ControllerHandle first;
    private static ControllerHandle second;

    @BeforeAll
    static void start() {
        cluster = SharedCluster.get();
        client = SharedCluster.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        Map<String, String> settings = Map.of(
                "berth.controller.controllers", "replicaset",
                "berth.controller.leader-election.lease-duration", LEASE.toSeconds() + "s",
                "berth.controller.leader-election.renew-deadline", "4s",
                "berth.controller.leader-election.retry-period", "1s");
        first = cluster.startController("ctl-election-a", settings);
        second = cluster.startController("ctl-election-b", settings);
    }

    @AfterAll
    static void stop() {
        for (ControllerHandle c : new ControllerHandle[] {first, second}) {
            if (c != null) {
                c.close();
            }
        }
        if (client != null) {
            client.namespaces().withName(NS).delete();
            client.close();
        }
    }

    private static String holder() {
        Lease lease = client.leases().inNamespace("kube-system").withName("kube-controller-manager").get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    private static void replicaSet(String name, int replicas) {
        // unschedulable pods are enough: the controller only has to create them
        client.apps().replicaSets().inNamespace(NS).resource(new ReplicaSetBuilder().withNewMetadata().withName(name)
                .endMetadata().withNewSpec().withReplicas(replicas)
                .withNewSelector().addToMatchLabels("rs", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("rs", name).endMetadata().withNewSpec()
                .withSchedulerName("nobody").addNewContainer().withName("c").withImage("host").endContainer()
                .endSpec().endTemplate().endSpec().build()).create();
    }

    private static int pods(String name) {
        return client.pods().inNamespace(NS).withLabel("rs", name).list().getItems().size();
    }

    @Test
    void onlyTheLeaderWorksAndKillingItHandsTheWorkOver() {
        await().atMost(Duration.ofSeconds(30)).until(() -> holder() != null
                && (holder().equals("ctl-election-a") || holder().equals("ctl-election-b")));
        ControllerHandle leader = holder().equals(first.name()) ? first : second;
        ControllerHandle standby = leader == first ? second : first;
        replicaSet("before", 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> pods("before") == 2);
        assertThat(leader.logTail()).contains("leads");
        assertThat(standby.logTail()).doesNotContain(standby.name() + " leads");

        leader.kill();
        await().atMost(LEASE.plusSeconds(10)).until(() -> standby.name().equals(holder()));
        replicaSet("after", 3);
        await().atMost(Duration.ofSeconds(30)).until(() -> pods("after") == 3);
        assertThat(pods("before")).as("the old set was not made twice").isEqualTo(2);
    }
}
