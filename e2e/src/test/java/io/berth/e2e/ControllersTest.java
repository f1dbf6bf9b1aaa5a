package io.berth.e2e;

import io.berth.testkit.ClusterHarness;
import io.berth.testkit.ControllerHandle;
import io.berth.testkit.NodeAgentHandle;
import io.berth.testkit.SchedulerHandle;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The controller manager's other controllers end to end: every namespace gets its {@code default} ServiceAccount and
 * {@code kube-root-ca.crt}; deleting a namespace removes everything in it, then the namespace; Endpoints and
 * EndpointSlices list exactly a Service's ready pods and follow readiness changes (real containers whose readiness
 * probe a test flips); no two Nodes get the same podCIDR.
 */
class ControllersTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    private static ClusterHarness cluster;
    private static KubernetesClient client;
    private static NodeAgentHandle simulator;
    private static SchedulerHandle scheduler;
    private static ControllerHandle controller;

    @BeforeAll
    static void start() {
        cluster = SharedCluster.get();
        client = SharedCluster.client();
        simulator = cluster.startNodeAgent("ctl-sim", Map.of(
                "berth.node.simulate.count", "3",
                "berth.node.simulate.name-prefix", "ctl-",
                "berth.node.simulate.token-file", cluster.simulatorTokenFile().toString(),
                "berth.node.simulate.labels[berth.io/e2e]", "controllers",
                "berth.node.simulate.start-delay", "200ms"), Duration.ofMinutes(2));
        scheduler = cluster.startScheduler("ctl-e2e-scheduler", Map.of(
                "berth.scheduler.leader-election.enabled", "false"));
        controller = cluster.startController("ctl-e2e-controller", Map.of(
                "berth.controller.leader-election.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        Quietly.close(controller, scheduler, simulator);
        if (client != null) {
            client.nodes().withLabel("berth.io/e2e", "controllers").delete();
            client.namespaces().withName("ctl-endpoints").delete();
            client.close();
        }
    }

    @Test
    void aNewNamespaceGetsItsDefaultServiceAccountAndTheClusterCa() throws Exception {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("ctl-fresh").endMetadata()
                .build()).create();
        String ca = Files.readString(cluster.caCert());
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(client.serviceAccounts().inNamespace("ctl-fresh").withName("default").get()).isNotNull();
            ConfigMap root = client.configMaps().inNamespace("ctl-fresh").withName("kube-root-ca.crt").get();
            assertThat(root).isNotNull();
            assertThat(root.getData()).containsEntry("ca.crt", ca);
        });
        // deleted, both come back
        client.serviceAccounts().inNamespace("ctl-fresh").withName("default").delete();
        client.configMaps().inNamespace("ctl-fresh").withName("kube-root-ca.crt").delete();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(client.serviceAccounts().inNamespace("ctl-fresh").withName("default").get()).isNotNull();
            assertThat(client.configMaps().inNamespace("ctl-fresh").withName("kube-root-ca.crt").get()).isNotNull();
        });
        client.namespaces().withName("ctl-fresh").delete();
    }

    @Test
    void deletingANamespaceRemovesEverythingInItAndThenTheNamespace() {
        String ns = "ctl-doomed";
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
        client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
                .withNewMetadata().withName("app").endMetadata()
                .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "doomed").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "doomed").endMetadata().withNewSpec()
                .withNodeSelector(Map.of("berth.io/e2e", "controllers"))
                .addNewToleration().withKey("berth.io/simulated").withOperator("Exists").endToleration()
                .addNewContainer().withName("c").withImage("host").withCommand("sleep", "3600").endContainer()
                .endSpec().endTemplate().endSpec().build()).create();
        client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("settings")
                .endMetadata().addToData("a", "b").build()).create();
        client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("creds")
                .endMetadata().addToStringData("p", "q").build()).create();
        client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName("svc")
                .endMetadata().withNewSpec().addToSelector("app", "doomed").addNewPort().withPort(80).endPort()
                .endSpec().build()).create();
        await().atMost(WAIT).until(() -> client.pods().inNamespace(ns).list().getItems().stream()
                .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())).count() == 2);

        client.namespaces().withName(ns).delete();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() ->
                client.namespaces().withName(ns).get() == null);
        // gone for good: and so is everything that was in it
        assertThat(client.pods().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(client.apps().replicaSets().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(client.apps().deployments().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(client.configMaps().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(client.secrets().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(client.services().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(client.serviceAccounts().inNamespace(ns).list().getItems()).isEmpty();
    }

    @Test
    void noTwoNodesGetTheSamePodCidr() {
        List<String> names = IntStream.range(0, 4).mapToObj(i -> "ctl-ipam-" + i).toList();
        for (String name : names) {
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name)
                    .addToLabels("berth.io/e2e", "controllers").endMetadata().build()).create();
        }
        await().atMost(WAIT).untilAsserted(() -> {
            for (String name : names) {
                assertThat(client.nodes().withName(name).get().getSpec().getPodCIDR()).as(name).isNotNull();
            }
        });
        Set<String> seen = new HashSet<>();
        for (Node node : client.nodes().list().getItems()) {
            String cidr = node.getSpec().getPodCIDR();
            if (cidr != null) {
                assertThat(seen.add(cidr)).as("podCIDR " + cidr + " of " + node.getMetadata().getName()
                        + " is nobody else's").isTrue();
            }
        }
        for (String name : names) {
            Node node = client.nodes().withName(name).get();
            assertThat(node.getSpec().getPodCIDR()).startsWith("10.244.").endsWith(".0/24");
            assertThat(node.getSpec().getPodCIDRs()).containsExactly(node.getSpec().getPodCIDR());
        }
    }

    @Test
    void endpointsListExactlyTheReadyPodsAndFollowReadinessChanges() {
        RealNode.assumeRoot();
        try (RealNode.Session node = RealNode.open("ctl-endpoints")) {
            String ns = node.namespace();
            for (String name : List.of("ep-a", "ep-b", "ep-c")) {
                node.client().pods().inNamespace(ns).resource(probed(name, "ep")).create();
            }
            node.client().pods().inNamespace(ns).resource(probed("other", "not-ep")).create();
            node.client().services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName("ep")
                    .endMetadata().withNewSpec().addToSelector("app", "ep").addNewPort().withName("web").withPort(80)
                    .withNewTargetPort("http").endPort().endSpec().build()).create();
            for (String name : List.of("ep-a", "ep-b", "ep-c", "other")) {
                RealNode.awaitPod(node.client(), ns, name, "Ready", WAIT);
            }
            Set<String> all = ips(node.client(), ns, "ep-a", "ep-b", "ep-c");
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(addresses(node.client(), ns, false)).isEqualTo(all);
                assertThat(addresses(node.client(), ns, true)).isEmpty();
                assertThat(sliceAddresses(node.client(), ns, true)).isEqualTo(all);
            });
            Endpoints endpoints = node.client().endpoints().inNamespace(ns).withName("ep").get();
            assertThat(endpoints.getSubsets()).singleElement().satisfies(s -> assertThat(s.getPorts())
                    .singleElement().satisfies(p -> {
                        assertThat(p.getPort()).as("the named target port, resolved").isEqualTo(8080);
                        assertThat(p.getName()).isEqualTo("web");
                    }));

            // ep-b's readiness probe starts failing: it moves to notReadyAddresses, and back when it passes again
            node.kubectl().run("-n", ns, "exec", "ep-b", "--", "rm", "/ready/ok").orThrow();
            Set<String> b = ips(node.client(), ns, "ep-b");
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(addresses(node.client(), ns, true)).isEqualTo(b);
                assertThat(addresses(node.client(), ns, false)).isEqualTo(ips(node.client(), ns, "ep-a", "ep-c"));
                assertThat(sliceAddresses(node.client(), ns, true)).isEqualTo(ips(node.client(), ns, "ep-a", "ep-c"));
            });
            node.kubectl().run("-n", ns, "exec", "ep-b", "--", "touch", "/ready/ok").orThrow();
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(addresses(node.client(), ns, false)).isEqualTo(all);
                assertThat(addresses(node.client(), ns, true)).isEmpty();
            });
        }
    }

    /** A real container whose readiness is the file /ready/ok (an emptyDir), which tests remove and restore. */
    private static Pod probed(String name, String app) {
        return new PodBuilder().withNewMetadata().withName(name).addToLabels("app", app).endMetadata()
                .withNewSpec().withNodeName(RealNode.NAME)
                .addNewVolume().withName("ready").withNewEmptyDir().endEmptyDir().endVolume()
                .addNewContainer().withName("web").withImage("host")
                .withCommand("sh", "-c", "touch /ready/ok; exec sleep 3600")
                .addNewPort().withContainerPort(8080).withName("http").endPort()
                .addNewVolumeMount().withName("ready").withMountPath("/ready").endVolumeMount()
                .withNewReadinessProbe().withNewExec().withCommand("test", "-f", "/ready/ok").endExec()
                .withPeriodSeconds(1).withFailureThreshold(1).endReadinessProbe()
                .endContainer().endSpec().build();
    }

    private static Set<String> ips(KubernetesClient client, String ns, String... names) {
        Set<String> out = new HashSet<>();
        for (String name : names) {
            out.add(client.pods().inNamespace(ns).withName(name).get().getStatus().getPodIP());
        }
        return out;
    }

    private static Set<String> addresses(KubernetesClient client, String ns, boolean notReady) {
        Endpoints e = client.endpoints().inNamespace(ns).withName("ep").get();
        Set<String> out = new HashSet<>();
        if (e == null || e.getSubsets() == null) {
            return out;
        }
        for (EndpointSubset s : e.getSubsets()) {
            List<EndpointAddress> list = notReady ? s.getNotReadyAddresses() : s.getAddresses();
            if (list != null) {
                list.forEach(a -> out.add(a.getIp()));
            }
        }
        return out;
    }

    private static Set<String> sliceAddresses(KubernetesClient client, String ns, boolean ready) {
        Set<String> out = new HashSet<>();
        for (EndpointSlice slice : client.discovery().v1().endpointSlices().inNamespace(ns)
                .withLabel("kubernetes.io/service-name", "ep").list().getItems()) {
            if (slice.getEndpoints() == null) {
                continue;
            }
            slice.getEndpoints().stream()
                    .filter(e -> Boolean.valueOf(ready).equals(e.getConditions().getReady()))
                    .forEach(e -> out.addAll(e.getAddresses()));
        }
        return out;
    }
}
