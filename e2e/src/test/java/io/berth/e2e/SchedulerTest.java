package io.berth.e2e;

import io.berth.testkit.ClusterHarness;
import io.berth.testkit.NodeAgentHandle;
import io.berth.testkit.SchedulerHandle;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scheduler against a real cluster with simulated nodes in three zones (510 nodes, their Leases renewed and
 * their status written every 10 s): pods with node selectors, node affinity, tolerations, requests, pod
 * anti-affinity per zone and topology spread over the zones land only where they fit and no node is over-committed;
 * an unschedulable pod is told why and is bound within its back-off + 2 s of a fitting node appearing; of two
 * replicas only the leader binds, and killing it hands over within the Lease's bound. The scheduler here is
 * {@code e2e-scheduler}: only pods that name it are its own, so the other tests' pods stay as they are.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchedulerTest {

    private static final String NS = "sched-e2e";
    private static final String SCHEDULER = "e2e-scheduler";
    private static final int PER_ZONE = 170;
    private static final Duration LEASE = Duration.ofSeconds(6);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private static ClusterHarness cluster;
    private static KubernetesClient client;
    private static final List<NodeAgentHandle> simulators = new ArrayList<>();
    private static SchedulerHandle first;
    private static SchedulerHandle second;

    @BeforeAll
    static void startThreeZonesOfSimulatedNodesAndTwoSchedulers() {
        cluster = SharedCluster.get();
        client = SharedCluster.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        // zone b is dedicated to batch work; zone c has small nodes
        simulators.add(zone("a", "4", List.of()));
        simulators.add(zone("b", "4", List.of("dedicated=batch:NoSchedule")));
        simulators.add(zone("c", "2", List.of()));
        Map<String, String> settings = Map.of(
                "berth.scheduler.scheduler-name", SCHEDULER,
                "berth.scheduler.leader-election.lease-duration", LEASE.toSeconds() + "s",
                "berth.scheduler.leader-election.renew-deadline", "4s",
                "berth.scheduler.leader-election.retry-period", RETRY.toSeconds() + "s",
                "logging.level.io.berth.scheduler", "DEBUG");
        first = cluster.startScheduler("sched-e2e-a", settings);
        second = cluster.startScheduler("sched-e2e-b", settings);
    }

    private static NodeAgentHandle zone(String zone, String cpu, List<String> taints) {
        List<String> allTaints = new ArrayList<>(List.of("berth.io/simulated=true:NoSchedule"));
        allTaints.addAll(taints);
        Map<String, String> props = new HashMap<>(Map.of(
                "berth.node.simulate.count", Integer.toString(PER_ZONE),
                "berth.node.simulate.name-prefix", "sched-" + zone + "-",
                "berth.node.simulate.token-file", cluster.simulatorTokenFile().toString(),
                "berth.node.simulate.cpu", cpu,
                "berth.node.simulate.memory", "8Gi",
                "berth.node.simulate.labels[topology.kubernetes.io/zone]", zone,
                "berth.node.simulate.labels[berth.io/e2e]", "scheduler",
                "berth.node.status-update-interval", "20s"));
        props.put("berth.node.simulate.taints", String.join(",", allTaints));
        return cluster.startNodeAgent("sched-sim-" + zone, props, Duration.ofMinutes(3));
    }

    @AfterAll
    static void stopEverything() {
        for (SchedulerHandle s : new SchedulerHandle[] {first, second}) {
            if (s != null) {
                s.close();
            }
        }
        simulators.forEach(NodeAgentHandle::close);
        if (client != null) {
            client.namespaces().withName(NS).delete();
            client.nodes().withLabel("berth.io/e2e", "scheduler").delete();
            for (String pc : List.of("sched-e2e-high", "sched-e2e-polite")) {
                client.resource(new io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder()
                        .withNewMetadata().withName(pc).endMetadata().build()).delete();
            }
            client.leases().inNamespace("kube-node-lease").list().getItems().stream()
                    .filter(l -> l.getMetadata().getName().startsWith("sched-"))
                    .forEach(l -> client.leases().inNamespace("kube-node-lease").resource(l).delete());
        }
    }

    /** A pod of this test's scheduler that tolerates the simulated nodes' taint and may only go to this test's nodes. */
    private static PodBuilder pod(String name, String cpu) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withNewSpec().withSchedulerName(SCHEDULER).withTerminationGracePeriodSeconds(1L)
                .addToNodeSelector("berth.io/e2e", "scheduler")
                .addNewToleration().withKey("berth.io/simulated").withOperator("Exists").withEffect("NoSchedule")
                .endToleration()
                .addNewContainer().withName("c").withImage("host")
                .withNewResources().withRequests(Map.of("cpu", new Quantity(cpu), "memory", new Quantity("64Mi")))
                .endResources().endContainer().endSpec();
    }

    @Test
    @Order(1)
    void podsLandOnlyWhereTheirConstraintsAllowAndNoNodeIsOverCommitted() {
        List<Pod> pods = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            pods.add(pod("in-a-" + i, "100m").editSpec().addToNodeSelector("topology.kubernetes.io/zone", "a")
                    .endSpec().build());
        }
        for (int i = 0; i < 40; i++) {
            pods.add(pod("batch-" + i, "200m").editSpec()
                    .addNewToleration().withKey("dedicated").withValue("batch").withEffect("NoSchedule").endToleration()
                    .withNewAffinity().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
                    .addNewNodeSelectorTerm().addNewMatchExpression().withKey("topology.kubernetes.io/zone")
                    .withOperator("In").withValues("b").endMatchExpression().endNodeSelectorTerm()
                    .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity()
                    .endSpec().build());
        }
        for (int i = 0; i < 40; i++) {
            // no toleration for zone b's taint, and not zone c: only zone a is left
            pods.add(pod("not-c-" + i, "300m").editSpec()
                    .withNewAffinity().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
                    .addNewNodeSelectorTerm().addNewMatchExpression().withKey("topology.kubernetes.io/zone")
                    .withOperator("NotIn").withValues("c").endMatchExpression().endNodeSelectorTerm()
                    .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity()
                    .endSpec().build());
        }
        // 40 pods of 1 cpu onto 20 nodes of 2 cpu: exactly full, no room for a 41st
        List<String> small = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            small.add("sched-c-" + i);
        }
        for (int i = 0; i < 40; i++) {
            // a field term names one node (Kubernetes' rule); the terms are ORed
            List<io.fabric8.kubernetes.api.model.NodeSelectorTerm> terms = small.stream()
                    .map(n -> new io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder().addNewMatchField()
                            .withKey("metadata.name").withOperator("In").withValues(n).endMatchField().build())
                    .toList();
            pods.add(pod("fill-" + i, "1").editSpec()
                    .withNewAffinity().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
                    .withNodeSelectorTerms(terms)
                    .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity()
                    .endSpec().build());
        }
        // one guard per zone: each keeps the others out of its zone (required anti-affinity, both directions)
        for (int i = 0; i < 3; i++) {
            pods.add(pod("guard-" + i, "0").editMetadata().addToLabels("app", "guard").endMetadata().editSpec()
                    .addNewToleration().withKey("dedicated").withValue("batch").withEffect("NoSchedule").endToleration()
                    .withNewAffinity().withNewPodAntiAffinity().addNewRequiredDuringSchedulingIgnoredDuringExecution()
                    .withTopologyKey("topology.kubernetes.io/zone").withNewLabelSelector().addToMatchLabels("app", "guard")
                    .endLabelSelector().endRequiredDuringSchedulingIgnoredDuringExecution().endPodAntiAffinity()
                    .endAffinity().endSpec().build());
        }
        // spread over the three zones at most one apart (no cpu: zone c's small nodes are filled exactly above)
        for (int i = 0; i < 37; i++) {
            pods.add(pod("spread-" + i, "0").editMetadata().addToLabels("app", "spread").endMetadata().editSpec()
                    .addNewToleration().withKey("dedicated").withValue("batch").withEffect("NoSchedule").endToleration()
                    .addNewTopologySpreadConstraint().withMaxSkew(1).withTopologyKey("topology.kubernetes.io/zone")
                    .withWhenUnsatisfiable("DoNotSchedule").withNewLabelSelector().addToMatchLabels("app", "spread")
                    .endLabelSelector().endTopologySpreadConstraint().endSpec().build());
        }
        pods.forEach(p -> client.pods().inNamespace(NS).resource(p).create());

        await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(client.pods().inNamespace(NS).list()
                .getItems().stream().filter(p -> p.getSpec().getNodeName() != null).count())
                .as(() -> "pods bound; some FailedScheduling: " + client.v1().events().inNamespace(NS).list()
                        .getItems().stream().filter(e -> "FailedScheduling".equals(e.getReason())).limit(5)
                        .map(e -> e.getInvolvedObject().getName() + ": " + e.getMessage()).toList())
                .isEqualTo(200));

        Map<String, Node> nodes = new HashMap<>();
        client.nodes().withLabel("berth.io/e2e", "scheduler").list().getItems()
                .forEach(n -> nodes.put(n.getMetadata().getName(), n));
        Map<String, Long> cpu = new HashMap<>();
        Map<String, Integer> guardsPerZone = new HashMap<>();
        Map<String, Integer> spreadPerZone = new HashMap<>(Map.of("a", 0, "b", 0, "c", 0));
        for (Pod p : client.pods().inNamespace(NS).list().getItems()) {
            String name = p.getMetadata().getName();
            Node node = nodes.get(p.getSpec().getNodeName());
            assertThat(node).as(name + " is on one of this test's nodes").isNotNull();
            String zone = node.getMetadata().getLabels().get("topology.kubernetes.io/zone");
            if (name.startsWith("in-a-") || name.startsWith("not-c-")) {
                assertThat(zone).as(name).isEqualTo("a");
            } else if (name.startsWith("batch-")) {
                assertThat(zone).as(name).isEqualTo("b");
            } else if (name.startsWith("guard-")) {
                guardsPerZone.merge(zone, 1, Integer::sum);
            } else if (name.startsWith("spread-")) {
                spreadPerZone.merge(zone, 1, Integer::sum);
            } else {
                assertThat(small).as(name).contains(node.getMetadata().getName());
            }
            cpu.merge(node.getMetadata().getName(), millis(p.getSpec().getContainers().get(0).getResources()
                    .getRequests().get("cpu")), Long::sum);
        }
        cpu.forEach((node, used) -> assertThat(used).as("cpu requested on " + node)
                .isLessThanOrEqualTo(millis(nodes.get(node).getStatus().getAllocatable().get("cpu"))));
        assertThat(small).allSatisfy(n -> assertThat(cpu.get(n)).isEqualTo(2000));
        assertThat(guardsPerZone).as("guards per zone").isEqualTo(Map.of("a", 1, "b", 1, "c", 1));
        assertThat(Collections.max(spreadPerZone.values()) - Collections.min(spreadPerZone.values()))
                .as("spread pods per zone " + spreadPerZone).isLessThanOrEqualTo(1);
    }

    @Test
    @Order(2)
    void anUnschedulablePodIsToldWhyAndBoundWithinItsBackOffOfAFittingNodeAppearing() {
        client.pods().inNamespace(NS).resource(pod("huge", "16").build()).create();

        await().atMost(Duration.ofSeconds(30)).until(() -> !failedScheduling("huge").isEmpty());
        String message = failedScheduling("huge").get(0).getMessage();
        assertThat(message).startsWith("0/").contains(" nodes are available: ").contains("Insufficient cpu")
                .endsWith(".");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            PodCondition scheduled = condition(client.pods().inNamespace(NS).withName("huge").get(), "PodScheduled");
            assertThat(scheduled.getStatus()).isEqualTo("False");
            assertThat(scheduled.getReason()).isEqualTo("Unschedulable");
        });

        // both moments as a watcher sees them, as the scheduler does: when the node appears, when the pod is bound
        java.util.concurrent.atomic.AtomicReference<Instant> appeared = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<Instant> bound = new java.util.concurrent.atomic.AtomicReference<>();
        var nodeWatch = client.nodes().withName("sched-big-0").watch(new io.fabric8.kubernetes.client.Watcher<>() {
            @Override
            public void eventReceived(Action action, Node node) {
                appeared.compareAndSet(null, Instant.now());
            }

            @Override
            public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
            }
        });
        var podWatch = client.pods().inNamespace(NS).withName("huge").watch(new io.fabric8.kubernetes.client.Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                if (pod.getSpec().getNodeName() != null) {
                    bound.compareAndSet(null, Instant.now());
                }
            }

            @Override
            public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
            }
        });
        NodeAgentHandle big = cluster.startNodeAgent("sched-sim-big", Map.of(
                "berth.node.simulate.count", "1",
                "berth.node.simulate.name-prefix", "sched-big-",
                "berth.node.simulate.token-file", cluster.simulatorTokenFile().toString(),
                "berth.node.simulate.cpu", "32",
                "berth.node.simulate.labels[berth.io/e2e]", "scheduler"));
        simulators.add(big);

        await().atMost(Duration.ofSeconds(30)).until(() -> bound.get() != null);
        nodeWatch.close();
        podWatch.close();
        assertThat(client.pods().inNamespace(NS).withName("huge").get().getSpec().getNodeName())
                .isEqualTo("sched-big-0");
        int attempts = failedScheduling("huge").stream().mapToInt(e -> e.getCount() == null ? 1 : e.getCount()).sum();
        Duration backoff = Duration.ofSeconds(Math.min(10, 1L << Math.min(attempts - 1, 4)));
        assertThat(appeared.get()).isNotNull();
        assertThat(Duration.between(appeared.get(), bound.get()))
                .as("from the node's appearance to the pod's binding, both seen through a watch; back-off " + backoff)
                .isLessThanOrEqualTo(backoff.plusSeconds(2));
    }

    @Test
    @Order(3)
    void aHigherPriorityPodPreemptsWhenNothingFitsUnlessItMayNot() {
        for (String[] c : new String[][] {{"sched-e2e-high", "1000", "PreemptLowerPriority"},
                {"sched-e2e-polite", "1000", "Never"}}) {
            client.resource(new io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder()
                    .withNewMetadata().withName(c[0]).endMetadata().withValue(Integer.parseInt(c[1]))
                    .withPreemptionPolicy(c[2]).build()).create();
        }
        // sched-c-0 and sched-c-1 are full: two 1-cpu pods of priority 0 on each (the first test's)
        List<String> onC1 = podsOn("sched-c-1");
        assertThat(podsOn("sched-c-0")).hasSize(2);
        assertThat(onC1).hasSize(2);
        client.pods().inNamespace(NS).resource(onto(pod("urgent", "1"), "sched-c-0")
                .editSpec().withPriorityClassName("sched-e2e-high").endSpec().build()).create();
        client.pods().inNamespace(NS).resource(onto(pod("polite", "1"), "sched-c-1")
                .editSpec().withPriorityClassName("sched-e2e-polite").endSpec().build()).create();

        await().atMost(Duration.ofSeconds(60)).until(() ->
                "sched-c-0".equals(client.pods().inNamespace(NS).withName("urgent").get().getSpec().getNodeName()));
        List<String> nowOnC0 = podsOn("sched-c-0");
        assertThat(nowOnC0).hasSize(2).contains("urgent");
        assertThat(client.pods().inNamespace(NS).withName("urgent").get().getStatus().getNominatedNodeName())
                .isEqualTo("sched-c-0");

        await().atMost(Duration.ofSeconds(30)).until(() -> failedScheduling("polite").stream()
                .anyMatch(e -> e.getMessage().endsWith("preemption: not eligible due to preemptionPolicy=Never.")));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() ->
                client.pods().inNamespace(NS).withName("polite").get().getSpec().getNodeName() == null);
        assertThat(podsOn("sched-c-1")).as("no pod was evicted for the polite one").isEqualTo(onC1);
    }

    private static PodBuilder onto(PodBuilder pod, String node) {
        return pod.editSpec().withNewAffinity().withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution().addNewNodeSelectorTerm().addNewMatchField()
                .withKey("metadata.name").withOperator("In").withValues(node).endMatchField().endNodeSelectorTerm()
                .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity().endSpec();
    }

    private static List<String> podsOn(String node) {
        return client.pods().inNamespace(NS).list().getItems().stream()
                .filter(p -> node.equals(p.getSpec().getNodeName()) && p.getMetadata().getDeletionTimestamp() == null)
                .map(p -> p.getMetadata().getName()).sorted().toList();
    }

    @Test
    @Order(4)
    void onlyTheLeaderBindsAndKillingItHandsOverWithinTheLeaseBound() throws Exception {
        String leader = holder();
        SchedulerHandle leading = leader.equals(first.name()) ? first : second;
        SchedulerHandle standby = leading == first ? second : first;
        assertThat(bindings(leading)).isPositive();
        assertThat(bindings(standby)).as("the standby sent no binding").isZero();

        leading.kill();
        Instant killed = Instant.now();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> standby.name().equals(holder()));
        // taken over when the standby wrote itself into the Lease (its acquireTime, this machine's clock), not when
        // this test's polling through a loaded gateway happened to see it
        Lease lease = client.leases().inNamespace("kube-system").withName("kube-scheduler").get();
        Duration handover = Duration.between(killed, lease.getSpec().getAcquireTime().toInstant());
        // fabric8 spreads its retries by up to 20%
        assertThat(handover).isLessThanOrEqualTo(LEASE.plus(RETRY.multipliedBy(12).dividedBy(10)).plusMillis(500));

        client.pods().inNamespace(NS).resource(pod("after-handover", "100m").build()).create();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                client.pods().inNamespace(NS).withName("after-handover").get().getSpec().getNodeName() != null);
        assertThat(bindings(standby)).isPositive();
    }

    private static String holder() {
        Lease lease = client.leases().inNamespace("kube-system").withName("kube-scheduler").get();
        return lease == null || lease.getSpec() == null ? "" : lease.getSpec().getHolderIdentity();
    }

    private static double bindings(SchedulerHandle s) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(s.managementUrl() + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("(?m)^scheduler_binding_requests_total(\\{[^}]*})? ([0-9.eE+]+)$").matcher(r.body());
        assertThat(m.find()).as("scheduler_binding_requests_total in\n" + r.body()).isTrue();
        return Double.parseDouble(m.group(2));
    }

    private static List<Event> failedScheduling(String pod) {
        return client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> pod.equals(e.getInvolvedObject().getName()) && "FailedScheduling".equals(e.getReason()))
                .toList();
    }

    private static PodCondition condition(Pod pod, String type) {
        return pod.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " condition on " + pod.getMetadata().getName()));
    }

    private static long millis(Quantity q) {
        return Quantity.getAmountInBytes(q).multiply(java.math.BigDecimal.valueOf(1000)).longValue();
    }
}
