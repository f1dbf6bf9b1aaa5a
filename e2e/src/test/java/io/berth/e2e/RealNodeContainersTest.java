package io.berth.e2e;

import io.berth.testkit.Kubectl;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a container on a real node is: its own hostname and PID namespace, the user, capabilities, no_new_privs,
 * memory limit and read-only root its securityContext asks for; restarts with growing back-off and the restart
 * policies; liveness; init containers in order; configMap volumes, secret env vars and the ServiceAccount token;
 * {@code kubectl exec} with output and exit code.
 */
class RealNodeContainersTest {

    private static final String NS = "real-containers";
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

    private static PodBuilder pod(String name, String restartPolicy, String script) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withNewSpec().withNodeName(RealNode.NAME).withRestartPolicy(restartPolicy)
                .withTerminationGracePeriodSeconds(1L)
                .addNewContainer().withName("main").withImage("host").withCommand("sh", "-c", script).endContainer()
                .endSpec();
    }

    private static String logs(String pod, String... more) {
        List<String> args = new ArrayList<>(List.of("logs", "-n", NS, pod));
        args.addAll(List.of(more));
        return kubectl.run(args.toArray(String[]::new)).orThrow().stdout();
    }

    @Test
    void everyContainerIsToldWhereTheKubernetesServiceIs() {
        Service existing = client.services().inNamespace("default").withName("kubernetes").get();
        Service kubernetes = existing != null ? existing : client.services().inNamespace("default")
                .resource(new ServiceBuilder().withNewMetadata().withName("kubernetes").withNamespace("default")
                        .endMetadata().withNewSpec().withClusterIP("10.96.0.1")
                        .addNewPort().withName("https").withPort(443).withNewTargetPort(6443).endPort()
                        .endSpec().build()).create();
        try {
            String ip = kubernetes.getSpec().getClusterIP();
            int port = kubernetes.getSpec().getPorts().get(0).getPort();
            // the agent reads the Service at most every 10 s: the restarts give it the time
            client.pods().inNamespace(NS).resource(pod("service-env", "Always",
                    "env | grep ^KUBERNETES_ | sort; sleep 1").build()).create();

            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() ->
                    assertThat(logs("service-env")).contains("KUBERNETES_SERVICE_HOST=" + ip + "\n")
                            .contains("KUBERNETES_SERVICE_PORT=" + port + "\n")
                            .contains("KUBERNETES_PORT=tcp://" + ip + ":" + port + "\n"));
        } finally {
            client.pods().inNamespace(NS).withName("service-env").withGracePeriod(0).delete();
            if (existing == null) {
                client.services().inNamespace("default").withName("kubernetes").delete();
            }
        }
    }

    @Test
    void aLogIsRotatedAtItsSizeKeepsItsLastFilesAndAFollowerMissesNoLine() throws Exception {
        Pod p = pod("chatty", "Always", "python3 -u -c \"import itertools, time\n"
                + "for i in itertools.count():\n    print('line %07d ' % i + 'x' * 80, flush=True)\n"
                + "    time.sleep(0.02)\"").build();
        client.pods().inNamespace(NS).resource(p).create();
        String uid = RealNode.awaitPod(client, NS, "chatty", "Running", Duration.ofSeconds(60)).getMetadata().getUid();
        Path dir = RealNode.stateDir().resolve("pods").resolve(NS + "_chatty_" + uid).resolve("main");

        try (Kubectl.Running follow = kubectl.start("logs", "-f", "-n", NS, "chatty")) {
            follow.awaitLineContaining("line 0000000 ");
            // checked every 10 s, rotated past 32KB, 3 files kept (2 rotated + the live one): the third rotation
            // deletes the first rotated file, the one that starts with line 0
            await().atMost(Duration.ofSeconds(90)).until(() -> rotated(dir).size() == 2
                    && !Files.readString(rotated(dir).get(0)).contains("line 0000000 "));
            assertThat(rotated(dir)).allSatisfy(f -> assertThat(f.getFileName().toString()).matches("0\\.log\\.\\d{8}-\\d{6}(-\\d+)?"));
            int lastRotated = lastLine(Files.readString(rotated(dir).get(1)));
            String beyond = "line %07d ".formatted(lastRotated + 50);
            follow.awaitLine(Duration.ofSeconds(60), l -> l.startsWith(beyond));

            // the follower went from file to file without a gap or a repeat
            List<String> lines = follow.lines();
            for (int i = 0; i < lastRotated + 50; i++) {
                assertThat(lines.get(i)).startsWith("line %07d ".formatted(i));
            }
        }
        client.pods().inNamespace(NS).withName("chatty").withGracePeriod(0).delete();
    }

    private static List<Path> rotated(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("0.log.")).sorted().toList();
        }
    }

    /** The number of the last line a CRI log starts (conmon may split a line: its tail is a record of its own). */
    private static int lastLine(String criLog) {
        String[] records = criLog.strip().split("\n");
        for (int i = records.length - 1; i >= 0; i--) {
            int at = records[i].indexOf(" line ");
            if (at >= 0) {
                return Integer.parseInt(records[i].substring(at + 6, at + 13));
            }
        }
        throw new AssertionError("no line in\n" + criLog);
    }

    @Test
    void aContainerHasItsOwnHostnameAndPidNamespaceAndTheSecurityContextItAskedFor() throws Exception {
        // "$$$$": Kubernetes expands $$ in a command to $, so the shell sees $$
        Pod p = pod("isolated", "Always", "echo hostname=$(hostname); echo pid=$$$$;"
                + " grep -E '^(Uid|CapEff|NoNewPrivs):' /proc/self/status;"
                + " if touch /written 2>/dev/null; then echo root=writable; else echo root=read-only; fi;"
                + " sleep 3600")
                .editSpec().editFirstContainer()
                .withNewSecurityContext().withRunAsUser(1000L).withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true).withNewCapabilities().withDrop("ALL").endCapabilities()
                .endSecurityContext()
                .withNewResources().withLimits(Map.of("memory", new Quantity("64Mi"))).endResources()
                .endContainer().endSpec().build();
        client.pods().inNamespace(NS).resource(p).create();
        Pod running = RealNode.awaitPod(client, NS, "isolated", "Running", Duration.ofSeconds(60));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(logs("isolated")).contains("root="));
        String out = logs("isolated");
        assertThat(out).contains("hostname=isolated", "pid=1", "root=read-only");
        assertThat(out).containsPattern("Uid:\\s+1000\\s+1000\\s+1000\\s+1000");
        assertThat(out).containsPattern("CapEff:\\s+0000000000000000");
        assertThat(out).containsPattern("NoNewPrivs:\\s+1");

        String containerId = running.getStatus().getContainerStatuses().get(0).getContainerID()
                .substring("runc://".length());
        Path limit = Path.of("/sys/fs/cgroup/memory/berth-e2e", RealNode.NAME, "pod" + running.getMetadata().getUid(),
                containerId, "memory.limit_in_bytes");
        assertThat(Files.readString(limit).strip()).isEqualTo(Long.toString(64L * 1024 * 1024));
    }

    @Test
    void aFailingContainerRestartsWithGrowingBackOffAndItsPreviousLogsStayReadable() {
        client.pods().inNamespace(NS).resource(pod("crash", "Always", "echo run $(date +%s%N); exit 1").build())
                .create();
        List<String> waiting = new ArrayList<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            var status = client.pods().inNamespace(NS).withName("crash").get().getStatus().getContainerStatuses()
                    .get(0);
            if (status.getState().getWaiting() != null) {
                waiting.add(status.getState().getWaiting().getReason() + ": "
                        + status.getState().getWaiting().getMessage());
            }
            return status.getRestartCount() >= 3 && waiting.stream().anyMatch(w -> w.contains("back-off 4s"));
        });
        // the first restart is immediate, then the delay doubles from the configured 2 s
        assertThat(waiting).anySatisfy(w -> assertThat(w).startsWith("CrashLoopBackOff: back-off 2s restarting"
                + " failed container=main pod=crash_" + NS));
        assertThat(waiting).anySatisfy(w -> assertThat(w).startsWith("CrashLoopBackOff: back-off 4s"));
        assertThat(logs("crash", "--previous")).startsWith("run ");
    }

    @Test
    void restartPoliciesOnFailureAndNeverEndThePodAsKubernetesDoes() {
        client.pods().inNamespace(NS).resource(pod("done", "OnFailure", "echo done; exit 0").build()).create();
        client.pods().inNamespace(NS).resource(pod("failed", "Never", "echo failing; exit 7").build()).create();
        Pod done = RealNode.awaitPod(client, NS, "done", "Succeeded", Duration.ofSeconds(60));
        Pod failed = RealNode.awaitPod(client, NS, "failed", "Failed", Duration.ofSeconds(60));
        assertThat(done.getStatus().getContainerStatuses().get(0).getRestartCount()).isZero();
        assertThat(done.getStatus().getContainerStatuses().get(0).getState().getTerminated().getReason())
                .isEqualTo("Completed");
        var terminated = failed.getStatus().getContainerStatuses().get(0).getState().getTerminated();
        assertThat(terminated.getExitCode()).isEqualTo(7);
        assertThat(terminated.getReason()).isEqualTo("Error");
        assertThat(failed.getStatus().getContainerStatuses().get(0).getRestartCount()).isZero();
    }

    @Test
    void aFailingLivenessProbeRestartsTheContainer() {
        Pod p = pod("unhealthy", "Always", "touch /tmp/healthy; sleep 2; rm /tmp/healthy; sleep 3600")
                .editSpec().editFirstContainer().withNewLivenessProbe().withNewExec()
                .withCommand("cat", "/tmp/healthy").endExec().withPeriodSeconds(1).withFailureThreshold(1)
                .withTerminationGracePeriodSeconds(1L).endLivenessProbe().endContainer().endSpec().build();
        client.pods().inNamespace(NS).resource(p).create();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
            Pod now = client.pods().inNamespace(NS).withName("unhealthy").get();
            assertThat(now.getStatus().getContainerStatuses().get(0).getRestartCount()).isGreaterThanOrEqualTo(1);
            assertThat(now.getStatus().getContainerStatuses().get(0).getLastState().getTerminated()).isNotNull();
        });
    }

    @Test
    void initContainersRunInOrderAndVolumesEnvAndTheServiceAccountTokenReachTheProcessAndVolumesFollowTheirSource() {
        client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("settings")
                .endMetadata().addToData("greeting", "hello from a configMap").build()).create();
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("db")
                .endMetadata().addToStringData("password", "hunter2").build()).create();
        Pod p = new PodBuilder().withNewMetadata().withName("inputs").withNamespace(NS).endMetadata()
                .withNewSpec().withNodeName(RealNode.NAME).withTerminationGracePeriodSeconds(1L)
                .addNewInitContainer().withName("first").withImage("host")
                .withCommand("sh", "-c", "echo first >> /work/order").addNewVolumeMount().withName("work")
                .withMountPath("/work").endVolumeMount().endInitContainer()
                .addNewInitContainer().withName("second").withImage("host")
                .withCommand("sh", "-c", "echo second >> /work/order").addNewVolumeMount().withName("work")
                .withMountPath("/work").endVolumeMount().endInitContainer()
                .addNewContainer().withName("main").withImage("host")
                .withCommand("sh", "-c", "cat /work/order; echo password=$PASSWORD; sleep 3600")
                .addNewEnv().withName("PASSWORD").withNewValueFrom().withNewSecretKeyRef("password", "db", false)
                .endValueFrom().endEnv()
                .addNewVolumeMount().withName("work").withMountPath("/work").endVolumeMount()
                .addNewVolumeMount().withName("settings").withMountPath("/etc/settings").endVolumeMount()
                .endContainer()
                .addNewVolume().withName("work").withNewEmptyDir().endEmptyDir().endVolume()
                .addNewVolume().withName("settings").withNewConfigMap().withName("settings").endConfigMap().endVolume()
                .endSpec().build();
        client.pods().inNamespace(NS).resource(p).create();
        RealNode.awaitPod(client, NS, "inputs", "Running", Duration.ofSeconds(60));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(logs("inputs", "-c", "main")).isEqualTo("first\nsecond\npassword=hunter2\n"));

        Kubectl.Result greeting = kubectl.run("exec", "-n", NS, "inputs", "--", "cat", "/etc/settings/greeting");
        assertThat(greeting.exitCode()).isZero();
        assertThat(greeting.stdout()).isEqualTo("hello from a configMap");
        client.configMaps().inNamespace(NS).withName("settings").edit(cm -> new ConfigMapBuilder(cm)
                .addToData("greeting", "hello again").build());
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> assertThat(kubectl.run("exec", "-n", NS,
                "inputs", "--", "cat", "/etc/settings/greeting").stdout()).isEqualTo("hello again"));
        Kubectl.Result token = kubectl.run("exec", "-n", NS, "inputs", "--", "cat",
                "/var/run/secrets/kubernetes.io/serviceaccount/token");
        assertThat(token.stdout()).startsWith("eyJ");
        assertThat(kubectl.run("exec", "-n", NS, "inputs", "--", "cat",
                "/var/run/secrets/kubernetes.io/serviceaccount/namespace").stdout()).isEqualTo(NS);
        Kubectl.Result failing = kubectl.run("exec", "-n", NS, "inputs", "--", "sh", "-c", "echo to-stderr >&2; exit 3");
        assertThat(failing.exitCode()).isEqualTo(3);
        assertThat(failing.stderr()).contains("to-stderr");
    }

    @Test
    void kubectlCpCopiesFilesInAndOutExecTakesStdinAndLogsHonourTailSinceAndTimestamps() throws Exception {
        client.pods().inNamespace(NS).resource(pod("files", "Always",
                "echo one; echo two; echo three; exec sleep 3600").build()).create();
        RealNode.awaitPod(client, NS, "files", "Running", Duration.ofSeconds(60));
        Path local = Files.createTempFile(kubectl.home(), "cp-", ".txt");
        Files.writeString(local, "copied in by kubectl cp\n");

        kubectl.run("cp", local.toString(), NS + "/files:/tmp/in.txt").orThrow();
        assertThat(kubectl.run("exec", "-n", NS, "files", "--", "cat", "/tmp/in.txt").orThrow().stdout())
                .isEqualTo("copied in by kubectl cp\n");
        Path back = kubectl.home().resolve("back.txt");
        kubectl.run("cp", NS + "/files:/tmp/in.txt", back.toString()).orThrow();
        assertThat(back).hasContent("copied in by kubectl cp");

        Kubectl.Result counted = kubectl.runWithInput("a\nb\nc\n", "exec", "-i", "-n", NS, "files", "--", "wc", "-l");
        assertThat(counted.orThrow().stdout().strip()).isEqualTo("3");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(logs("files")).isEqualTo("one\ntwo\nthree\n"));
        assertThat(logs("files", "--tail=1")).isEqualTo("three\n");
        assertThat(logs("files", "--since=1h")).isEqualTo("one\ntwo\nthree\n");
        String stamped = logs("files", "--tail=2", "--timestamps");
        assertThat(stamped.lines().toList()).hasSize(2).allSatisfy(line ->
                assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z (two|three)"));
    }

    @Test
    void aStartupProbeHoldsBackReadinessAndExecTcpAndHttpProbesDecideStartedReadyAndAlive() {
        // serves at once, but says it has started only after 3 s: Ready must wait for the startup probe
        Pod p = pod("probed", "Always", "python3 -m http.server 8080 & sleep 3; touch /tmp/started; wait")
                .editSpec().editFirstContainer()
                .withNewStartupProbe().withNewExec().withCommand("test", "-f", "/tmp/started").endExec()
                .withPeriodSeconds(1).withFailureThreshold(30).endStartupProbe()
                .withNewReadinessProbe().withNewTcpSocket().withNewPort(8080).endTcpSocket()
                .withPeriodSeconds(1).endReadinessProbe()
                .withNewLivenessProbe().withNewHttpGet().withPath("/").withNewPort(8080).endHttpGet()
                .withInitialDelaySeconds(5).withPeriodSeconds(2).withTimeoutSeconds(2).endLivenessProbe()
                .endContainer().endSpec().build();
        client.pods().inNamespace(NS).resource(p).create();

        Pod ready = RealNode.awaitPod(client, NS, "probed", "Ready", Duration.ofSeconds(60));
        var status = ready.getStatus().getContainerStatuses().get(0);
        assertThat(status.getStarted()).isTrue();
        Instant started = Instant.parse(status.getState().getRunning().getStartedAt());
        Instant readyAt = Instant.parse(ready.getStatus().getConditions().stream()
                .filter(c -> c.getType().equals("Ready")).findFirst().orElseThrow().getLastTransitionTime());
        assertThat(Duration.between(started, readyAt)).as("Ready waited for the startup probe")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        // the liveness probe (httpGet) keeps passing: no restart well past its initial delay
        await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(12)).untilAsserted(() ->
                assertThat(client.pods().inNamespace(NS).withName("probed").get().getStatus()
                        .getContainerStatuses().get(0).getRestartCount()).isZero());
    }

    @Test
    void aNativeSidecarStartsFirstAndRunsBesideTheContainerWhosePostStartHookRan() {
        Pod p = pod("hooked", "Always", "while [ ! -f /tmp/hook ]; do sleep 0.1; done; cat /tmp/hook; exec sleep 3600")
                .editSpec()
                .addNewInitContainer().withName("sidecar").withImage("host").withRestartPolicy("Always")
                .withCommand("sh", "-c", "echo sidecar up; exec sleep 3600").endInitContainer()
                .editFirstContainer().withNewLifecycle().withNewPostStart().withNewExec()
                .withCommand("sh", "-c", "echo written by postStart > /tmp/hook").endExec().endPostStart()
                .endLifecycle().endContainer().endSpec().build();
        client.pods().inNamespace(NS).resource(p).create();

        Pod running = RealNode.awaitPod(client, NS, "hooked", "Ready", Duration.ofSeconds(60));
        var sidecar = running.getStatus().getInitContainerStatuses().get(0);
        var main = running.getStatus().getContainerStatuses().get(0);
        assertThat(sidecar.getName()).isEqualTo("sidecar");
        assertThat(sidecar.getState().getRunning()).as("a sidecar keeps running").isNotNull();
        assertThat(Instant.parse(sidecar.getState().getRunning().getStartedAt()))
                .isBeforeOrEqualTo(Instant.parse(main.getState().getRunning().getStartedAt()));
        assertThat(logs("hooked", "-c", "sidecar")).isEqualTo("sidecar up\n");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(logs("hooked", "-c", "main")).isEqualTo("written by postStart\n"));
    }

    @Test
    void activeDeadlineSecondsFailsThePodAndStopsItsContainerAfterItsPreStopHook() {
        // sleep as PID 1 ignores TERM: the KILL after the 5 s grace period ends it
        Pod p = pod("deadline", "Never", "exec sleep 3600").editSpec().withActiveDeadlineSeconds(3L)
                .withTerminationGracePeriodSeconds(5L)
                .editFirstContainer().withNewLifecycle().withNewPreStop().withNewExec()
                .withCommand("sh", "-c", "echo running preStop > /proc/1/fd/1").endExec().endPreStop().endLifecycle()
                .endContainer().endSpec().build();
        client.pods().inNamespace(NS).resource(p).create();

        Pod failed = RealNode.awaitPod(client, NS, "deadline", "Failed", Duration.ofSeconds(60));
        assertThat(failed.getStatus().getReason()).isEqualTo("DeadlineExceeded");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(client.pods().inNamespace(NS)
                .withName("deadline").get().getStatus().getContainerStatuses().get(0).getState().getTerminated())
                .as("the container was stopped").isNotNull());
        assertThat(logs("deadline")).isEqualTo("running preStop\n");
    }
}
