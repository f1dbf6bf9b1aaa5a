package io.berth.e2e;

import io.berth.testkit.ClusterHarness;
import io.berth.testkit.ControllerHandle;
import io.berth.testkit.Kubectl;
import io.berth.testkit.NodeAgentHandle;
import io.berth.testkit.SchedulerHandle;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Deployments end to end, with the real scheduler, the controller manager and 20 simulated nodes: a Deployment's
 * pods run; {@code kubectl scale} up and down; a rolling update with maxUnavailable 0 never has fewer ready pods than
 * replicas at any moment a watch sees; {@code kubectl rollout history|undo|pause|resume|restart|status} work.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeploymentTest {

    private static final String NS = "deploy-e2e";
    private static final Duration ROLLOUT = Duration.ofSeconds(90);

    private static ClusterHarness cluster;
    private static KubernetesClient client;
    private static Kubectl kubectl;
    private static NodeAgentHandle simulator;
    private static SchedulerHandle scheduler;
    private static ControllerHandle controller;

    @BeforeAll
    static void startNodesSchedulerAndControllers() {
        cluster = SharedCluster.get();
        client = SharedCluster.client();
        kubectl = new Kubectl(cluster.kubeconfig());
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        simulator = cluster.startNodeAgent("deploy-sim", Map.of(
                "berth.node.simulate.count", "20",
                "berth.node.simulate.name-prefix", "deploy-",
                "berth.node.simulate.token-file", cluster.simulatorTokenFile().toString(),
                "berth.node.simulate.labels[berth.io/e2e]", "deployment",
                "berth.node.simulate.start-delay", "200ms",
                "berth.node.simulate.ready-delay", "300ms"), Duration.ofMinutes(2));
        scheduler = cluster.startScheduler("deploy-e2e-scheduler", Map.of(
                "berth.scheduler.leader-election.enabled", "false"));
        controller = cluster.startController("deploy-e2e-controller", Map.of(
                "berth.controller.leader-election.enabled", "false",
                "logging.level.io.berth.controller", "DEBUG"));
    }

    @AfterAll
    static void stopEverything() {
        Quietly.close(controller, scheduler, simulator, kubectl);
        if (client != null) {
            client.namespaces().withName(NS).delete();
            client.nodes().withLabel("berth.io/e2e", "deployment").delete();
            client.close();
        }
    }

    private static Deployment web(String name, int replicas, String version) {
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withNewMaxUnavailable(0).withNewMaxSurge(1).endRollingUpdate().endStrategy()
                .withNewTemplate()
                .withNewMetadata().addToLabels("app", name).addToLabels("version", version).endMetadata()
                .withNewSpec()
                .addNewToleration().withKey("berth.io/simulated").withOperator("Exists").endToleration()
                .withNodeSelector(Map.of("berth.io/e2e", "deployment"))
                .addNewContainer().withName("web").withImage("host").withCommand("sleep", "3600").endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private static List<Pod> pods(String app) {
        return client.pods().inNamespace(NS).withLabel("app", app).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    private static long running(String app) {
        return pods(app).stream().filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
                .count();
    }

    private static void awaitAvailable(String name, int replicas) {
        await().atMost(ROLLOUT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            Deployment d = client.apps().deployments().inNamespace(NS).withName(name).get();
            assertThat(d.getStatus()).isNotNull();
            assertThat(d.getStatus().getObservedGeneration()).isEqualTo(d.getMetadata().getGeneration());
            assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(replicas);
            assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(replicas);
            assertThat(d.getStatus().getReplicas()).isEqualTo(replicas);
            assertThat(pods(name)).hasSize(replicas);
            assertThat(running(name)).isEqualTo(replicas);
        });
    }

    @Test
    @Order(1)
    void aDeploymentOfThreeGetsThreeRunningPodsAndScalesUpAndDown() {
        client.apps().deployments().inNamespace(NS).resource(web("web", 3, "v1")).create();
        awaitAvailable("web", 3);
        Deployment d = client.apps().deployments().inNamespace(NS).withName("web").get();
        assertThat(d.getStatus().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Available");
            assertThat(c.getStatus()).isEqualTo("True");
        });
        List<ReplicaSet> sets = client.apps().replicaSets().inNamespace(NS).withLabel("app", "web").list().getItems();
        assertThat(sets).hasSize(1);
        assertThat(sets.get(0).getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "1");
        assertThat(pods("web")).allSatisfy(p -> assertThat(p.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(ref -> assertThat(ref.getUid()).isEqualTo(sets.get(0).getMetadata().getUid())));

        kubectl.run("-n", NS, "scale", "deployment/web", "--replicas=10").orThrow();
        awaitAvailable("web", 10);
        kubectl.run("-n", NS, "scale", "deployment/web", "--replicas=2").orThrow();
        awaitAvailable("web", 2);
        Kubectl.Result status = kubectl.run(ROLLOUT, "-n", NS, "rollout", "status", "deployment/web",
                "--timeout=60s");
        assertThat(status.stdout()).as(status.toString()).contains("successfully rolled out");
        assertThat(client.v1().events().inNamespace(NS).list().getItems()).extracting(e -> e.getReason())
                .contains("ScalingReplicaSet", "SuccessfulCreate", "SuccessfulDelete");
    }

    @Test
    @Order(2)
    void theControllerManagerPublishesKubernetesWorkqueueMetrics() throws Exception {
        java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(controller.managementUrl()
                        + "/actuator/prometheus")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        for (String name : List.of("deployment", "replicaset", "garbagecollector")) {
            assertThat(metrics.body()).contains("workqueue_adds_total{name=\"" + name + "\"")
                    .contains("workqueue_depth{name=\"" + name + "\"")
                    .contains("workqueue_queue_duration_seconds_count{name=\"" + name + "\"")
                    .contains("workqueue_work_duration_seconds_count{name=\"" + name + "\"")
                    .contains("workqueue_retries_total{name=\"" + name + "\"");
        }
        java.util.regex.Matcher adds = java.util.regex.Pattern.compile(
                "workqueue_adds_total\\{name=\"deployment\"[^}]*} ([0-9.E]+)").matcher(metrics.body());
        assertThat(adds.find()).isTrue();
        assertThat(Double.parseDouble(adds.group(1))).isPositive();
    }

    @Test
    @Order(3)
    void aRollingUpdateWithMaxUnavailableZeroNeverHasFewerReadyPodsThanReplicas() throws Exception {
        kubectl.run("-n", NS, "scale", "deployment/web", "--replicas=4").orThrow();
        awaitAvailable("web", 4);
        Map<String, Boolean> ready = new ConcurrentHashMap<>();
        AtomicInteger lowest = new AtomicInteger(Integer.MAX_VALUE);
        AtomicInteger events = new AtomicInteger();
        pods("web").forEach(p -> ready.put(p.getMetadata().getName(), isReady(p)));
        try (Watch watch = client.pods().inNamespace(NS).withLabel("app", "web").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                boolean counts = action != Action.DELETED && pod.getMetadata().getDeletionTimestamp() == null
                        && isReady(pod);
                ready.put(pod.getMetadata().getName(), counts);
                events.incrementAndGet();
                lowest.accumulateAndGet((int) ready.values().stream().filter(b -> b).count(), Math::min);
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            kubectl.run("-n", NS, "set", "image", "deployment/web", "web=host:v2").orThrow();
            await().atMost(ROLLOUT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                assertThat(pods("web")).hasSize(4).allSatisfy(p -> assertThat(p.getSpec().getContainers().get(0)
                        .getImage()).isEqualTo("host:v2"));
            });
            awaitAvailable("web", 4);
        }
        assertThat(events.get()).isGreaterThan(8);
        assertThat(lowest.get()).as("fewest ready pods seen by the watch during the rollout").isGreaterThanOrEqualTo(4);
        Kubectl.Result history = kubectl.run("-n", NS, "rollout", "history", "deployment/web").orThrow();
        assertThat(history.stdout()).contains("1").contains("2");
    }

    @Test
    @Order(4)
    void rolloutUndoReturnsToThePreviousTemplate() {
        kubectl.run("-n", NS, "rollout", "undo", "deployment/web").orThrow();
        await().atMost(ROLLOUT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            Deployment d = client.apps().deployments().inNamespace(NS).withName("web").get();
            assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("host");
            assertThat(pods("web")).hasSize(4).allSatisfy(p -> assertThat(p.getSpec().getContainers().get(0)
                    .getImage()).isEqualTo("host"));
        });
        awaitAvailable("web", 4);
        // the first revision came back as the third: one replica set per template, no third set
        List<ReplicaSet> sets = client.apps().replicaSets().inNamespace(NS).withLabel("app", "web").list().getItems();
        assertThat(sets).hasSize(2);
        assertThat(sets).anySatisfy(rs -> assertThat(rs.getMetadata().getAnnotations())
                .containsEntry("deployment.kubernetes.io/revision", "3")
                .containsEntry("deployment.kubernetes.io/revision-history", "1"));
    }

    @Test
    @Order(5)
    void pauseHoldsATemplateChangeUntilResumeAndRestartRollsEveryPod() {
        kubectl.run("-n", NS, "rollout", "pause", "deployment/web").orThrow();
        kubectl.run("-n", NS, "set", "env", "deployment/web", "COLOUR=blue").orThrow();
        await().atMost(ROLLOUT).untilAsserted(() -> {
            Deployment d = client.apps().deployments().inNamespace(NS).withName("web").get();
            assertThat(d.getStatus().getConditions()).anySatisfy(c ->
                    assertThat(c.getReason()).isEqualTo("DeploymentPaused"));
        });
        assertThat(client.apps().replicaSets().inNamespace(NS).withLabel("app", "web").list().getItems()).hasSize(2);

        kubectl.run("-n", NS, "rollout", "resume", "deployment/web").orThrow();
        await().atMost(ROLLOUT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            assertThat(pods("web")).hasSize(4).allSatisfy(p -> assertThat(p.getSpec().getContainers().get(0)
                    .getEnv()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("COLOUR")));
        });
        awaitAvailable("web", 4);
        List<String> before = pods("web").stream().map(p -> p.getMetadata().getName()).toList();
        kubectl.run("-n", NS, "rollout", "restart", "deployment/web").orThrow();
        await().atMost(ROLLOUT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            assertThat(pods("web")).hasSize(4).noneMatch(p -> before.contains(p.getMetadata().getName()));
        });
        awaitAvailable("web", 4);
    }

    private static boolean isReady(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
                .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    @Test
    @Order(6)
    void onTheRealNodeTheDeploymentsPodsReallyRunAndAnswer() throws Exception {
        RealNode.assumeRoot();
        try (RealNode.Session node = RealNode.open("deploy-real")) {
            Deployment real = new DeploymentBuilder()
                    .withNewMetadata().withName("real-web").withNamespace("deploy-real").endMetadata()
                    .withNewSpec().withReplicas(2)
                    .withNewSelector().addToMatchLabels("app", "real-web").endSelector()
                    .withNewTemplate()
                    .withNewMetadata().addToLabels("app", "real-web").endMetadata()
                    .withNewSpec()
                    .withNodeSelector(Map.of("kubernetes.io/hostname", RealNode.NAME))
                    .addNewContainer().withName("web").withImage("host")
                    .withCommand("python3", "-u", "-m", "http.server", "8080")
                    .addNewPort().withContainerPort(8080).withName("http").endPort()
                    .withNewReadinessProbe().withNewHttpGet().withPath("/").withNewPort("http").endHttpGet()
                    .withPeriodSeconds(1).endReadinessProbe()
                    .endContainer().endSpec().endTemplate().endSpec().build();
            node.client().apps().deployments().inNamespace("deploy-real").resource(real).create();
            await().atMost(ROLLOUT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                Deployment d = node.client().apps().deployments().inNamespace("deploy-real").withName("real-web")
                        .get();
                assertThat(d.getStatus()).isNotNull();
                assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(2);
            });
            java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5)).build();
            List<Pod> running = node.client().pods().inNamespace("deploy-real").withLabel("app", "real-web").list()
                    .getItems();
            assertThat(running).hasSize(2).allSatisfy(p -> {
                assertThat(p.getSpec().getNodeName()).isEqualTo(RealNode.NAME);
                assertThat(p.getStatus().getPodIP()).startsWith("10.251.0.");
            });
            for (Pod p : running) {
                var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://"
                        + p.getStatus().getPodIP() + ":8080/")).GET().build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
            }
            node.client().apps().deployments().inNamespace("deploy-real").withName("real-web").delete();
        }
    }

    @Test
    @Order(7)
    void aForegroundDeletionRemovesTheReplicaSetsAndPodsBeforeTheDeployment() throws Exception {
        client.apps().deployments().inNamespace(NS).resource(web("fg", 3, "v1")).create();
        awaitAvailable("fg", 3);
        java.util.concurrent.atomic.AtomicLong lastDependentGone = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong ownerGone = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();
        try (Watch pods = client.pods().inNamespace(NS).withLabel("app", "fg").watch(onDelete(lastDependentGone,
                sequence));
             Watch sets = client.apps().replicaSets().inNamespace(NS).withLabel("app", "fg")
                     .watch(onDelete(lastDependentGone, sequence));
             Watch owner = client.apps().deployments().inNamespace(NS).withField("metadata.name", "fg")
                     .watch(onDelete(ownerGone, sequence))) {
            client.apps().deployments().inNamespace(NS).withName("fg")
                    .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.FOREGROUND).delete();
            await().atMost(ROLLOUT).until(() -> ownerGone.get() > 0);
        }
        assertThat(client.apps().replicaSets().inNamespace(NS).withLabel("app", "fg").list().getItems()).isEmpty();
        assertThat(client.pods().inNamespace(NS).withLabel("app", "fg").list().getItems()).isEmpty();
        assertThat(lastDependentGone.get()).as("the last replica set or pod went before the deployment")
                .isPositive().isLessThan(ownerGone.get());
    }

    @Test
    @Order(8)
    void anOrphanDeletionKeepsTheReplicaSetAndItsPods() {
        client.apps().deployments().inNamespace(NS).resource(web("kept", 2, "v1")).create();
        awaitAvailable("kept", 2);
        client.apps().deployments().inNamespace(NS).withName("kept")
                .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.ORPHAN).delete();
        await().atMost(ROLLOUT).until(() -> client.apps().deployments().inNamespace(NS).withName("kept").get() == null);
        List<ReplicaSet> sets = client.apps().replicaSets().inNamespace(NS).withLabel("app", "kept").list().getItems();
        assertThat(sets).singleElement().satisfies(rs -> assertThat(rs.getMetadata().getOwnerReferences())
                .isNullOrEmpty());
        assertThat(pods("kept")).hasSize(2);
        assertThat(running("kept")).isEqualTo(2);
        // the orphaned set still keeps its pods: one deleted comes back
        client.pods().inNamespace(NS).withName(pods("kept").get(0).getMetadata().getName()).withGracePeriod(0)
                .delete();
        await().atMost(ROLLOUT).until(() -> running("kept") == 2);
        client.apps().replicaSets().inNamespace(NS).withLabel("app", "kept").delete();
        await().atMost(ROLLOUT).until(() -> pods("kept").isEmpty());
    }

    @Test
    @Order(9)
    void recreateStopsEveryOldPodBeforeANewOneStarts() {
        Deployment d = new DeploymentBuilder(web("rec", 3, "v1")).editSpec().withNewStrategy().withType("Recreate")
                .endStrategy().endSpec().build();
        client.apps().deployments().inNamespace(NS).resource(d).create();
        awaitAvailable("rec", 3);
        AtomicInteger mixed = new AtomicInteger();
        Map<String, String> versions = new ConcurrentHashMap<>();
        pods("rec").forEach(p -> versions.put(p.getMetadata().getName(), "v1"));
        try (Watch watch = client.pods().inNamespace(NS).withLabel("app", "rec").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                if (action == Action.DELETED) {
                    versions.remove(pod.getMetadata().getName());
                } else {
                    versions.put(pod.getMetadata().getName(), pod.getMetadata().getLabels().get("version"));
                }
                if (versions.containsValue("v1") && versions.containsValue("v2")) {
                    mixed.incrementAndGet();
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            client.apps().deployments().inNamespace(NS).withName("rec").edit(x -> new DeploymentBuilder(x)
                    .editSpec().editTemplate().editMetadata().addToLabels("version", "v2").endMetadata()
                    .endTemplate().endSpec().build());
            await().atMost(ROLLOUT).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                    assertThat(pods("rec")).hasSize(3).allSatisfy(p -> assertThat(p.getMetadata().getLabels())
                            .containsEntry("version", "v2")));
            awaitAvailable("rec", 3);
        }
        assertThat(mixed.get()).as("moments a watch saw old and new pods at once").isZero();
    }

    @Test
    @Order(10)
    void aDeploymentDeletedInTheBackgroundTakesItsReplicaSetsAndPodsWithIt() {
        client.apps().deployments().inNamespace(NS).withName("rec")
                .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
        await().atMost(ROLLOUT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            assertThat(client.apps().deployments().inNamespace(NS).withName("rec").get()).isNull();
            assertThat(client.apps().replicaSets().inNamespace(NS).withLabel("app", "rec").list().getItems())
                    .isEmpty();
            assertThat(client.pods().inNamespace(NS).withLabel("app", "rec").list().getItems()).isEmpty();
        });
    }

    /** A watcher that notes, in order, when it last saw an object deleted. */
    private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> Watcher<T> onDelete(
            java.util.concurrent.atomic.AtomicLong at, java.util.concurrent.atomic.AtomicLong sequence) {
        return new Watcher<>() {
            @Override
            public void eventReceived(Action action, T obj) {
                if (action == Action.DELETED) {
                    at.set(sequence.incrementAndGet());
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        };
    }
}
