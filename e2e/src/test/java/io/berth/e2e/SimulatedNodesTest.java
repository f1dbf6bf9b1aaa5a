package io.berth.e2e;

import io.berth.testkit.ClusterHarness;
import io.berth.testkit.LeaseRenewals;
import io.berth.testkit.NodeAgentHandle;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Simulated mode (issue #9): one node agent stands in for 1,000 nodes. For two minutes a Lease informer watches
 * {@code kube-node-lease}: every one of the 1,000 Leases must be renewed every 10 s with at most 1 s of lag, lag being
 * the gap between a Lease's consecutive renewTimes minus the interval. The delay from renewTime to the watch event's
 * arrival is printed next to it. Meanwhile pods bound to simulated nodes must run, become ready, finish and go.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SimulatedNodesTest {

    private static final int NODES = 1000;
    private static final String PREFIX = "sim-e2e-";
    private static final String NS = "sim-e2e";
    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final Duration OBSERVE = Duration.ofMinutes(2);
    private static final Duration MAX_LAG = Duration.ofSeconds(1);

    private static ClusterHarness cluster;
    private static KubernetesClient client;
    private static NodeAgentHandle agent;
    private static SharedIndexInformer<Lease> leases;
    private static LeaseRenewals renewals;
    private static Instant observedFrom;

    @BeforeAll
    static void startOneAgentForAThousandNodesAndWatchTheirLeases() {
        cluster = SharedCluster.get();
        client = SharedCluster.client();
        agent = cluster.startNodeAgent("sim-e2e", Map.of(
                "berth.node.simulate.count", Integer.toString(NODES),
                "berth.node.simulate.name-prefix", PREFIX,
                "berth.node.simulate.token-file", cluster.simulatorTokenFile().toString(),
                "berth.node.simulate.run-for", "2s",
                "berth.node.lease-renew-interval", INTERVAL.toSeconds() + "s"));
        renewals = new LeaseRenewals(INTERVAL);
        leases = client.leases().inNamespace("kube-node-lease").inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Lease lease) {
                observe(lease);
            }

            @Override
            public void onUpdate(Lease oldLease, Lease newLease) {
                observe(newLease);
            }

            @Override
            public void onDelete(Lease lease, boolean finalStateUnknown) {
            }
        });
        observedFrom = Instant.now();
        renewals.window(observedFrom, observedFrom.plus(OBSERVE));
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
    }

    private static void observe(Lease lease) {
        Instant received = Instant.now();
        String name = lease.getMetadata().getName();
        if (name.startsWith(PREFIX) && lease.getSpec() != null && lease.getSpec().getRenewTime() != null) {
            renewals.observe(name, lease.getSpec().getRenewTime().toInstant(), received);
        }
    }

    @AfterAll
    static void stopTheAgentAndRemoveItsNodes() {
        if (leases != null) {
            leases.stop();
        }
        if (agent != null) {
            agent.close();
        }
        if (client != null) {
            client.nodes().withLabel("type", "berth-simulated").delete();
            client.leases().inNamespace("kube-node-lease").list().getItems().stream()
                    .filter(l -> l.getMetadata().getName().startsWith(PREFIX))
                    .forEach(l -> client.leases().inNamespace("kube-node-lease").resource(l).delete());
            client.namespaces().withName(NS).delete();
            client.close();
        }
    }

    @Test
    @Order(1)
    void everySimulatedNodeIsRegisteredReadyTaintedAndHoldsItsLease() {
        List<Node> nodes = client.nodes().withLabel("type", "berth-simulated").list().getItems().stream()
                .filter(n -> n.getMetadata().getName().startsWith(PREFIX)).toList();
        assertThat(nodes).extracting(n -> n.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, NODES).mapToObj(i -> PREFIX + i).toList());

        Node node = client.nodes().withName(PREFIX + 7).get();
        assertThat(node.getMetadata().getLabels()).containsEntry("kubernetes.io/hostname", PREFIX + 7)
                .containsEntry("kubernetes.io/os", "linux").containsEntry("kubernetes.io/arch", "amd64")
                .containsEntry("type", "berth-simulated");
        assertThat(node.getSpec().getTaints()).extracting(Taint::getKey, Taint::getValue, Taint::getEffect)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("berth.io/simulated", "true", "NoSchedule"));
        assertThat(node.getSpec().getPodCIDR()).isEqualTo("10.0.7.0/24");
        assertThat(node.getStatus().getConditions()).extracting(NodeCondition::getType, NodeCondition::getStatus)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("Ready", "True"),
                        org.assertj.core.groups.Tuple.tuple("MemoryPressure", "False"),
                        org.assertj.core.groups.Tuple.tuple("DiskPressure", "False"),
                        org.assertj.core.groups.Tuple.tuple("PIDPressure", "False"));
        assertThat(node.getStatus().getConditions()).filteredOn(c -> c.getType().equals("Ready"))
                .extracting(NodeCondition::getReason).containsExactly("KubeletReady");
        assertThat(node.getStatus().getCapacity()).containsKeys("cpu", "memory", "pods", "ephemeral-storage");
        assertThat(node.getStatus().getAllocatable().get("pods").toString()).isEqualTo("110");
        assertThat(node.getStatus().getNodeInfo().getContainerRuntimeVersion()).isEqualTo("simulated://berth");
        assertThat(node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort()).isEqualTo(agent.port());

        Lease lease = client.leases().inNamespace("kube-node-lease").withName(PREFIX + 7).get();
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(PREFIX + 7);
        assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(40);
        assertThat(lease.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getKind()).isEqualTo("Node");
            assertThat(owner.getName()).isEqualTo(PREFIX + 7);
            assertThat(owner.getUid()).isEqualTo(node.getMetadata().getUid());
        });
    }

    @Test
    @Order(2)
    void aPodBoundToASimulatedNodeRunsIsReadyAndGoesSoonAfterItsDeletion() {
        client.pods().inNamespace(NS).resource(pod("web", PREFIX + 7, "Always")).create();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Pod pod = client.pods().inNamespace(NS).withName("web").get();
            assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
            assertThat(pod.getStatus().getConditions()).filteredOn(c -> c.getType().equals("Ready"))
                    .extracting(c -> c.getStatus()).containsExactly("True");
        });
        Pod running = client.pods().inNamespace(NS).withName("web").get();
        assertThat(running.getStatus().getPodIP()).startsWith("10.0.7.");
        assertThat(running.getStatus().getHostIP()).isEqualTo("127.0.0.1");
        assertThat(running.getStatus().getContainerStatuses()).singleElement().satisfies(c -> {
            assertThat(c.getState().getRunning()).isNotNull();
            assertThat(c.getContainerID()).startsWith("simulated://");
        });

        // the default grace period is 30 s: gone well before means the simulated kubelet finished the deletion
        client.pods().inNamespace(NS).withName("web").delete();
        await().atMost(Duration.ofSeconds(15)).until(() -> client.pods().inNamespace(NS).withName("web").get() == null);
    }

    @Test
    @Order(3)
    void aPodThatDoesNotRestartSucceedsAfterItsRunTime() {
        client.pods().inNamespace(NS).resource(pod("job", PREFIX + 8, "Never")).create();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                client.pods().inNamespace(NS).withName("job").get().getStatus().getPhase()).isEqualTo("Succeeded"));
        Pod done = client.pods().inNamespace(NS).withName("job").get();
        assertThat(done.getStatus().getContainerStatuses()).singleElement()
                .satisfies(c -> assertThat(c.getState().getTerminated().getExitCode()).isZero());
    }

    @Test
    @Order(4)
    void everyLeaseIsRenewedEveryIntervalWithinOneSecondForTwoMinutes() {
        Instant end = observedFrom.plus(OBSERVE);
        await().atMost(OBSERVE.plusMinutes(1)).pollInterval(Duration.ofSeconds(1))
                .until(() -> !Instant.now().isBefore(end));
        leases.stop();
        LeaseRenewals.Report report = renewals.report(end,
                IntStream.range(0, NODES).mapToObj(i -> PREFIX + i).toList());
        System.out.printf("simulated nodes: %d Lease renewals of %d nodes in %d s (fewest per node: %d)%n",
                report.renewals(), NODES, OBSERVE.toSeconds(), report.fewestRenewals());
        System.out.println("  gap lag (gap between renewTimes - " + INTERVAL.toSeconds() + " s): "
                + LeaseRenewals.Report.describe(report.gapLagNanos()));
        System.out.println("  delivery (renewTime to watch event): "
                + LeaseRenewals.Report.describe(report.deliveryNanos()));
        // the agent's own view: a late tick means the agent was starved of CPU, a long gate wait a slow API
        System.out.println("  agent: " + agentMetrics());

        assertThat(report.unseen()).as("Leases never observed").isEmpty();
        assertThat(report.fewestRenewals()).as("renewals of the least renewed Lease in %s", OBSERVE)
                .isGreaterThanOrEqualTo((int) (OBSERVE.toSeconds() / INTERVAL.toSeconds()) - 1);
        assertThat(LeaseRenewals.Report.percentile(report.gapLagNanos(), 100))
                .as("the largest gap lag (%d gaps over 1 s)",
                        LeaseRenewals.Report.above(report.gapLagNanos(), MAX_LAG))
                .isLessThanOrEqualTo(MAX_LAG.toNanos());
    }

    /** The agent's timing metrics (maxima over the last minutes, late renewals since its start), on one line. */
    private static String agentMetrics() {
        try {
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(agent.managementUrl() + "/actuator/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return body.lines()
                    .filter(l -> l.startsWith("berth_simulator_lease_tick_delay_seconds_max")
                            || l.startsWith("berth_simulator_gate_wait_seconds_max")
                            || l.startsWith("berth_simulator_lease_renewal_lag_seconds_max")
                            || l.startsWith("berth_simulator_lease_renewals_late_total"))
                    .collect(Collectors.joining("; "));
        } catch (IOException e) {
            return "unavailable: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unavailable";
        }
    }

    private static Pod pod(String name, String node, String restartPolicy) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withNewSpec().withNodeName(node).withRestartPolicy(restartPolicy)
                .addNewContainer().withName("main").withImage("busybox:1.36").withCommand("sleep", "3600")
                .endContainer().endSpec().build();
    }
}
