package io.berth.e2e;

import io.berth.apimachinery.json.Json;
import io.berth.node.images.TestImages;
import io.berth.testkit.Kubectl;
import io.berth.testkit.NodeAgentHandle;
import io.berth.testkit.Pki;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The node's runtime beyond a single pod: OCI images loaded with {@code bin/berth image load} (and the clear failure
 * of an absent one), an agent restart that starts no container twice and loses no log line, and a container
 * started by hand under the agent's runc root reported as an unmanaged workload.
 */
class RealNodeRuntimeTest {

    private static final String NS = "real-runtime";
    private static RealNode.Session node;
    private static KubernetesClient client;
    private static Kubectl kubectl;
    private static NodeAgentHandle agent;

    @TempDir
    Path tmp;

    @BeforeAll
    static void setUp() {
        node = RealNode.open(NS);
        client = node.client();
        kubectl = node.kubectl();
        agent = RealNode.get();
    }

    @AfterAll
    static void tearDown() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void anOciImageLoadedWithBerthImageLoadRunsOnItsOwnRootAndAnAbsentOneIsErrImageNeverPull() throws Exception {
        Assumptions.assumeTrue(TestImages.available(), TestImages.unavailableReason());
        Path layout = TestImages.busyboxLayout(tmp.resolve("layout"), "1.0", "--config.cmd=sh");
        ProcessBuilder loader = new ProcessBuilder("bash", Pki.launcher().toString(), "image", "load",
                layout.toString(), "--node", RealNode.NAME, "--reference", "e2e/busybox:1.0").redirectErrorStream(true);
        // the node's state is <BERTH_HOME>/node/<name>, as bin/berth up lays it out
        loader.environment().put("BERTH_HOME", RealNode.home().toString());
        Process load = loader.start();
        load.getOutputStream().close();
        String out = new String(load.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(load.waitFor()).as(out).isZero();
        assertThat(out).contains("Loaded image: docker.io/e2e/busybox:1.0 sha256:");

        client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("oci").endMetadata()
                .withNewSpec().withNodeName(RealNode.NAME).withTerminationGracePeriodSeconds(1L)
                .addNewContainer().withName("main").withImage("e2e/busybox:1.0").withImagePullPolicy("IfNotPresent")
                .withCommand("sh", "-c", "echo busybox=$(readlink /bin/sh); test -e /usr/bin/python3 || echo"
                        + " no-host-python; sleep 3600")
                .endContainer().endSpec().build()).create();
        Pod oci = RealNode.awaitPod(client, NS, "oci", "Running", Duration.ofSeconds(60));
        assertThat(oci.getStatus().getContainerStatuses().get(0).getImageID()).startsWith("sha256:");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(kubectl.run("logs", "-n", NS, "oci").stdout())
                        .isEqualTo("busybox=busybox\nno-host-python\n"));

        client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("absent").endMetadata()
                .withNewSpec().withNodeName(RealNode.NAME)
                .addNewContainer().withName("main").withImage("e2e/absent:1.0").withImagePullPolicy("Never")
                .endContainer().endSpec().build()).create();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            var waiting = client.pods().inNamespace(NS).withName("absent").get().getStatus().getContainerStatuses()
                    .get(0).getState().getWaiting();
            assertThat(waiting.getReason()).isEqualTo("ErrImageNeverPull");
            assertThat(waiting.getMessage()).isEqualTo(
                    "Container image \"e2e/absent:1.0\" is not present with pull policy of Never");
        });
    }

    @Test
    void aRestartedAgentAdoptsItsContainersStartsNoneTwiceAndLosesNoLogLine() throws Exception {
        client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("counter").endMetadata()
                .withNewSpec().withNodeName(RealNode.NAME).withTerminationGracePeriodSeconds(1L)
                .addNewContainer().withName("main").withImage("host")
                .withCommand("sh", "-c", "i=0; while true; do i=$((i+1)); echo line-$i; sleep 0.05; done")
                .endContainer().endSpec().build()).create();
        Pod before = RealNode.awaitPod(client, NS, "counter", "Running", Duration.ofSeconds(60));
        String containerId = before.getStatus().getContainerStatuses().get(0).getContainerID();
        Path log = RealNode.stateDir().resolve("pods").resolve(NS + "_counter_" + before.getMetadata().getUid())
                .resolve("main").resolve("0.log");

        agent.kill();
        long sizeWhileDown = Files.size(log);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.size(log) > sizeWhileDown + 200);
        agent.start();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Pod after = client.pods().inNamespace(NS).withName("counter").get();
            assertThat(after.getStatus().getContainerStatuses().get(0).getContainerID()).isEqualTo(containerId);
            assertThat(after.getStatus().getContainerStatuses().get(0).getRestartCount()).isZero();
        });
        String runcList = RealNodePodsTest.run("runc", "--root", RealNode.runcRoot().toString(), "list", "-q");
        assertThat(runcList.lines().filter(l -> l.startsWith(before.getMetadata().getUid())).toList())
                .as("one container for the pod, the one that ran before").hasSize(1);

        String logs = kubectl.run("logs", "-n", NS, "counter").orThrow().stdout();
        List<Integer> numbers = new ArrayList<>();
        Matcher m = Pattern.compile("^line-(\\d+)$", Pattern.MULTILINE).matcher(logs);
        while (m.find()) {
            numbers.add(Integer.parseInt(m.group(1)));
        }
        assertThat(numbers).hasSizeGreaterThan(50);
        for (int i = 0; i < numbers.size(); i++) {
            assertThat(numbers.get(i)).as("line %d of the log", i).isEqualTo(i + 1);
        }
    }

    @Test
    void aContainerStartedByHandUnderTheAgentsRuncRootIsReportedAsAnUnmanagedWorkload() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(TestImages.BUSYBOX), TestImages.unavailableReason());
        Path bundle = Files.createDirectories(tmp.resolve("stranger"));
        Path bin = Files.createDirectories(bundle.resolve("rootfs/bin"));
        Files.copy(TestImages.BUSYBOX, bin.resolve("busybox"));
        RealNodePodsTest.run("runc", "spec", "--bundle", bundle.toString());
        ObjectNode spec = (ObjectNode) Json.tree(Files.readAllBytes(bundle.resolve("config.json")));
        ObjectNode process = (ObjectNode) spec.get("process");
        process.put("terminal", false);
        process.putArray("args").add("/bin/busybox").add("sleep").add("600");
        Files.write(bundle.resolve("config.json"), Json.write(spec));
        String id = "stranger-" + UUID.randomUUID().toString().substring(0, 8);
        Process run = new ProcessBuilder("runc", "--root", RealNode.runcRoot().toString(), "run", "-d",
                "--bundle", bundle.toString(), id)
                .redirectOutput(tmp.resolve("out").toFile()).redirectError(tmp.resolve("err").toFile()).start();
        assertThat(run.waitFor()).as(Files.readString(tmp.resolve("err"))).isZero();
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Optional<NodeCondition> c = condition();
                assertThat(c).isPresent();
                assertThat(c.get().getStatus()).isEqualTo("True");
                assertThat(c.get().getMessage()).contains(id).contains("sleep 600");
            });
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(client.v1().events().inNamespace("default").list().getItems())
                            .anySatisfy(e -> {
                                assertThat(e.getReason()).isEqualTo("UnmanagedWorkload");
                                assertThat(e.getMessage()).contains(id);
                            }));
        } finally {
            RealNodePodsTest.run("runc", "--root", RealNode.runcRoot().toString(), "delete", "--force", id);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(condition().map(NodeCondition::getStatus)).contains("False"));
    }

    private static Optional<NodeCondition> condition() {
        Node node = client.nodes().withName(RealNode.NAME).get();
        return node.getStatus().getConditions().stream().filter(c -> c.getType().equals("UnmanagedWorkloads"))
                .findFirst();
    }
}
