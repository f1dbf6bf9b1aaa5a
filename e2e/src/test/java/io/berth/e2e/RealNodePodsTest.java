package io.berth.e2e;

import io.berth.testkit.Kubectl;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pods on a real node: {@code image: host} containers serving HTTP become Ready through an httpGet probe, get their
 * own IPs on the node's bridge and answer from the host; {@code kubectl logs} shows their requests; deleting a pod
 * runs preStop, sends SIGTERM, SIGKILLs a process that ignores it after the grace period, and leaves no sandbox.
 */
class RealNodePodsTest {

    private static final String NS = "real-pods";
    private static RealNode.Session node;
    private static KubernetesClient client;
    private static Kubectl kubectl;

    @BeforeAll
    static void setUp() {
        node = RealNode.open(NS);
        client = node.client();
        kubectl = node.kubectl();
    }

    @AfterAll
    static void tearDown() {
        if (node != null) {
            node.close();
        }
    }

    static Pod webPod(String name) {
        return webPod(name, RealNode.NAME);
    }

    static Pod webPod(String name, String node) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withNewSpec().withNodeName(node)
                .addNewContainer().withName("web").withImage("host")
                .withCommand("python3", "-u", "-m", "http.server", "8080")
                .addNewPort().withContainerPort(8080).withName("http").endPort()
                .withNewReadinessProbe().withNewHttpGet().withPath("/").withNewPort("http").endHttpGet()
                .withPeriodSeconds(1).endReadinessProbe()
                .endContainer().endSpec().build();
    }

    @Test
    void twoHttpServersBecomeReadyOnTheirOwnIpsAnswerFromTheHostAndLogTheirRequests() throws Exception {
        client.pods().inNamespace(NS).resource(webPod("web-a")).create();
        client.pods().inNamespace(NS).resource(webPod("web-b")).create();
        Pod a = RealNode.awaitPod(client, NS, "web-a", "Ready", Duration.ofSeconds(60));
        Pod b = RealNode.awaitPod(client, NS, "web-b", "Ready", Duration.ofSeconds(60));

        assertThat(a.getStatus().getPodIP()).startsWith("10.251.0.").isNotEqualTo(b.getStatus().getPodIP());
        assertThat(a.getStatus().getHostIP()).isEqualTo("127.0.0.1");
        assertThat(a.getStatus().getContainerStatuses().get(0).getReady()).isTrue();

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (Pod p : List.of(a, b)) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + p.getStatus().getPodIP()
                    + ":8080/from-the-host-" + p.getMetadata().getName())).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("python's http.server answers 404 for an unknown path").isEqualTo(404);
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Kubectl.Result logs = kubectl.run("logs", "-n", NS, "web-a");
            assertThat(logs.stdout()).contains("GET /from-the-host-web-a").contains("\"GET / HTTP/1.1\" 200")
                    .doesNotContain("from-the-host-web-b");
        });
    }

    @Test
    void aPodReachesAPodOnAnotherNodeOfThisMachineThroughTheHostsRoutesWithoutNat() throws Exception {
        try (RealNode.Extra other = RealNode.startExtra("e2e-real-2", "be2e1", "10.251.1.0/24")) {
            client.pods().inNamespace(NS).resource(webPod("far", other.name())).create();
            client.pods().inNamespace(NS).resource(webPod("near")).create();
            Pod far = RealNode.awaitPod(client, NS, "far", "Ready", Duration.ofSeconds(60));
            Pod near = RealNode.awaitPod(client, NS, "near", "Ready", Duration.ofSeconds(60));
            assertThat(far.getStatus().getPodIP()).startsWith("10.251.1.");
            assertThat(near.getStatus().getPodIP()).startsWith("10.251.0.");

            String fetch = "import urllib.request; print(urllib.request.urlopen('http://"
                    + far.getStatus().getPodIP() + ":8080/?from=near', timeout=5).status)";
            Kubectl.Result answer = kubectl.run("exec", "-n", NS, "near", "--", "python3", "-c", fetch);
            assertThat(answer.stdout().strip()).as(answer.stderr()).isEqualTo("200");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(kubectl.run("logs", "-n", NS,
                    "far").stdout()).as("the request arrives from the other pod's own address")
                    .contains(near.getStatus().getPodIP() + " - - ").contains("GET /?from=near"));
        }
        assertThat(client.pods().inNamespace(NS).withName("far").get()).isNull();
        assertThat(run("ip", "-o", "link", "show", "be2e1")).doesNotContain("be2e1:");
    }

    @Test
    void deletingAPodRunsPreStopThenTermAndKillsWhatIgnoresItAfterTheGracePeriod() throws Exception {
        Pod stubborn = new PodBuilder().withNewMetadata().withName("stubborn").withNamespace(NS).endMetadata()
                .withNewSpec().withNodeName(RealNode.NAME).withTerminationGracePeriodSeconds(3L)
                .addNewContainer().withName("main").withImage("host")
                .withCommand("sh", "-c", "trap 'echo got TERM, ignoring it' TERM; echo started;"
                        + " while true; do sleep 0.2; done")
                .withNewLifecycle().withNewPreStop().withNewExec()
                .withCommand("sh", "-c", "echo running preStop > /proc/1/fd/1").endExec().endPreStop().endLifecycle()
                .endContainer().endSpec().build();
        client.pods().inNamespace(NS).resource(stubborn).create();
        Pod running = RealNode.awaitPod(client, NS, "stubborn", "Running", Duration.ofSeconds(60));
        String uid = running.getMetadata().getUid();
        long vethsBefore = run("ip", "-o", "link", "show", "master", RealNode.BRIDGE).lines().count();

        try (Kubectl.Running follow = kubectl.start("logs", "-f", "-n", NS, "stubborn")) {
            follow.awaitLineContaining("started");
            Instant deleted = Instant.now();
            client.pods().inNamespace(NS).withName("stubborn").delete();
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                    .until(() -> client.pods().inNamespace(NS).withName("stubborn").get() == null);
            Duration took = Duration.between(deleted, Instant.now());
            assertThat(follow.lines()).contains("running preStop", "got TERM, ignoring it");
            assertThat(follow.lines().indexOf("running preStop"))
                    .isLessThan(follow.lines().indexOf("got TERM, ignoring it"));
            assertThat(took).as("the process ignored TERM, so it was killed after the 3 s grace period")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(2500));
        }
        String netns = "berth-" + RealNode.BRIDGE + "-" + uid;
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(run("ip", "netns", "list")).doesNotContain(netns);
            assertThat(run("ip", "-o", "link", "show", "master", RealNode.BRIDGE).lines().count())
                    .as("the pod's veth left the bridge").isEqualTo(vethsBefore - 1);
        });
    }

    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
