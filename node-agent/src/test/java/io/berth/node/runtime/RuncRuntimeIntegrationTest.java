package io.berth.node.runtime;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The runtime against real runc, conmon and Linux networking; runs as root (CI), skipped otherwise. Two nodes share
 * the machine, as two agents would: each has its own bridge, pod CIDR, runc root, state directory and cgroups.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RuncRuntimeIntegrationTest {

    private static final Duration SLOW = Duration.ofSeconds(90);

    private Path tmp;
    private TestNode node;
    private TestNode other;
    private int nodeSubnet;
    private int otherSubnet;
    /** A pod on {@link #node} serving HTTP on 8080, shared by the tests that need a server (python starts slowly). */
    private Sandbox web;
    private String webContainer;

    @BeforeAll
    void startNodesAndAWebServer() throws IOException {
        assumeThat(TestNode.usable()).as("root with runc, conmon, ip and unshare installed").isTrue();
        tmp = Files.createTempDirectory("berth-rt-");
        nodeSubnet = TestNode.freeSubnet();
        otherSubnet = TestNode.freeSubnet(nodeSubnet);
        node = new TestNode(tmp.resolve("a"), nodeSubnet);
        other = new TestNode(tmp.resolve("b"), otherSubnet);
        web = node.runtime.runSandbox(config("web", false, false));
        webContainer = "web-" + shortId();
        node.runtime.startContainer(web, node.plan(webContainer, List.of("python3", "-m", "http.server", "8080")));
    }

    @AfterAll
    void removeEverything() throws IOException {
        try {
            if (node != null) {
                node.close();
            }
        } finally {
            if (other != null) {
                other.close();
            }
            if (tmp != null) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    @Test
    void aPodServesHttpOnItsIpToTheHost() {
        assertThat(web.ip()).startsWith(node.networkProperties.podCidr().replace(".0/24", "."));
        await().atMost(SLOW).ignoreExceptions().until(() -> httpStatus(web.ip()) == 200);
    }

    @Test
    void podsGetDistinctIpsAndReachEachOtherAcrossNodes() throws IOException {
        Sandbox neighbour = node.runtime.runSandbox(config("neighbour", false, false));
        Sandbox remote = other.runtime.runSandbox(config("remote", false, false));
        String client = "client-" + shortId();
        other.runtime.startContainer(remote, other.plan(client, List.of("sleep", "3600")));

        assertThat(List.of(web.ip(), neighbour.ip(), remote.ip())).doesNotHaveDuplicates();
        String fetch = "import urllib.request; print(urllib.request.urlopen('http://" + web.ip()
                + ":8080/', timeout=5).status)";
        await().atMost(SLOW).until(() -> other.runtime.exec(client, List.of("python3", "-c", fetch),
                Duration.ofSeconds(20)).stdout().strip().equals("200"));
    }

    @Test
    void theHostnameIsThePodsAndItsProcessIsPidOneInItsOwnNamespace() throws IOException {
        Sandbox pod = node.runtime.runSandbox(config("hostname-pod", false, false));
        String id = "pid1-" + shortId();
        ContainerState started = node.runtime.startContainer(pod, node.plan(id,
                List.of("sh", "-c", "echo pid=$$ host=$(hostname); exec sleep 3600")));

        await().atMost(SLOW).until(() -> log(id).contains(" stdout F pid=1 host=hostname-pod"));
        assertThat(Files.readSymbolicLink(Path.of("/proc/" + started.pid() + "/ns/pid")))
                .isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")));
        assertThat(node.runtime.exec(id, List.of("hostname"), Duration.ofSeconds(20)).stdout().strip())
                .isEqualTo("hostname-pod");
    }

    @Test
    void containersOfAPodSharingItsProcessNamespaceSeeEachOther() throws IOException {
        Sandbox pod = node.runtime.runSandbox(config("shared", false, true));
        String first = "first-" + shortId();
        String second = "second-" + shortId();
        node.runtime.startContainer(pod, node.plan(first, List.of("sleep", "3601")));
        node.runtime.startContainer(pod, node.plan(second, List.of("sleep", "3602")));

        String processes = node.runtime.exec(second, List.of("sh", "-c",
                "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; done"), Duration.ofSeconds(20)).stdout();
        assertThat(processes).contains("sleep 3601").contains("sleep 3602");
        assertThat(node.runtime.exec(second, List.of("cat", "/proc/1/cmdline"), Duration.ofSeconds(20)).stdout())
                .as("the pod's pause process is PID 1").startsWith("sh");
    }

    @Test
    void aNonRootContainerWithoutCapabilitiesOrPrivilegeEscalationHasNone() throws IOException {
        Sandbox pod = node.runtime.runSandbox(config("restricted", false, false));
        String id = "restricted-" + shortId();
        ContainerPlan plan = with(node.plan(id, List.of("grep", "-E", "^(CapEff|NoNewPrivs|Uid)", "/proc/self/status")),
                1000, Set.of(), true, false, 0);
        node.runtime.startContainer(pod, plan);

        ContainerState done = awaitExit(node, id);
        assertThat(done.exitCode()).isZero();
        assertThat(log(id)).contains(" stdout F CapEff:\t0000000000000000")
                .contains(" stdout F NoNewPrivs:\t1")
                .contains(" stdout F Uid:\t1000\t1000\t1000\t1000");
    }

    @Test
    void theMemoryLimitIsInTheContainersCgroup() throws IOException {
        Sandbox pod = node.runtime.runSandbox(config("limited", false, false));
        String id = "limited-" + shortId();
        node.runtime.startContainer(pod, with(node.plan(id, List.of("sleep", "3600")), 0, null, false, false,
                64L << 20));

        Path limit = Path.of("/sys/fs/cgroup/memory", pod.cgroupsPath(), id, "memory.limit_in_bytes");
        assertThat(Files.readString(limit).strip()).isEqualTo(Long.toString(64L << 20));
    }

    @Test
    void aReadOnlyRootFilesystemRefusesWrites() throws IOException {
        Sandbox pod = node.runtime.runSandbox(config("readonly", false, false));
        String id = "readonly-" + shortId();
        node.runtime.startContainer(pod, with(node.plan(id, List.of("touch", "/written")), 0, null, false, true, 0));

        assertThat(awaitExit(node, id).exitCode()).isEqualTo(1);
        assertThat(log(id)).contains("Read-only file system");
    }

    @Test
    void theExitCodeComesFromConmonsExitFileAndLogsAreInCriFormat() throws IOException {
        Sandbox pod = node.runtime.runSandbox(config("exits", false, false));
        String id = "exit3-" + shortId();
        node.runtime.startContainer(pod, node.plan(id, List.of("sh", "-c", "echo out; echo err >&2; exit 3")));

        ContainerState done = awaitExit(node, id);
        assertThat(done.exitCode()).isEqualTo(3);
        assertThat(done.finishedAt()).isNotNull().isAfterOrEqualTo(done.startedAt());
        assertThat(log(id).lines().toList())
                .anyMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+\\S* stdout F out"))
                .anyMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+\\S* stderr F err"));
    }

    @Test
    void execReturnsOutputAndExitCodeAndStopsAtItsDeadline() throws IOException {
        Sandbox pod = node.runtime.runSandbox(config("exec", false, false));
        String id = "exec-" + shortId();
        node.runtime.startContainer(pod, node.plan(id, List.of("sleep", "3600")));

        ExecResult result = node.runtime.exec(id, List.of("sh", "-c", "echo $GREETING; echo oops >&2; exit 5"),
                Duration.ofSeconds(20));
        assertThat(result).isEqualTo(new ExecResult(5, "hello\n", "oops\n", false));

        ExecResult slow = node.runtime.exec(id, List.of("sleep", "37"), Duration.ofSeconds(1));
        assertThat(slow.timedOut()).isTrue();
        assertThat(slow.exitCode()).isEqualTo(-1);
        await().atMost(SLOW).until(() -> !node.runtime.exec(id, List.of("sh", "-c",
                "cat /proc/[0-9]*/cmdline | tr '\\0' ' '"), Duration.ofSeconds(20)).stdout().contains("sleep 37"));
    }

    @Test
    void streamingExecRelaysStdinAndGivesATerminalWhenAsked() throws Exception {
        Sandbox pod = node.runtime.runSandbox(config("stream", false, false));
        String id = "stream-" + shortId();
        node.runtime.startContainer(pod, node.plan(id, List.of("sleep", "3600")));

        Process cat = node.runtime.execStreaming(id, List.of("cat"), false);
        cat.getOutputStream().write("echoed\n".getBytes());
        cat.getOutputStream().close();
        assertThat(new String(cat.getInputStream().readAllBytes())).isEqualTo("echoed\n");
        assertThat(cat.waitFor()).isZero();

        Process tty = node.runtime.execStreaming(id, List.of("tty"), true);
        tty.getOutputStream().close();
        assertThat(new String(tty.getInputStream().readAllBytes())).contains("/dev/pts/");
        assertThat(tty.waitFor()).isZero();
    }

    @Test
    void signalsStopTheContainer() throws IOException {
        Sandbox pod = node.runtime.runSandbox(config("signals", false, false));
        String graceful = "term-" + shortId();
        String stubborn = "kill-" + shortId();
        node.runtime.startContainer(pod, node.plan(graceful,
                List.of("sh", "-c", "trap 'echo got-term; exit 0' TERM; while :; do sleep 0.1; done")));
        node.runtime.startContainer(pod, node.plan(stubborn, List.of("sleep", "3600")));

        node.runtime.signal(graceful, "TERM");
        node.runtime.signal(stubborn, "SIGKILL");

        assertThat(awaitExit(node, graceful).exitCode()).isZero();
        assertThat(log(graceful)).contains(" stdout F got-term");
        assertThat(awaitExit(node, stubborn).exitCode()).isEqualTo(137);
        node.runtime.signal(stubborn, "KILL"); // a stopped container is left alone
    }

    @Test
    void aPrivilegedContainerHasEveryCapabilityAndAWritableSys() throws IOException {
        Sandbox pod = node.runtime.runSandbox(config("privileged", false, false));
        String id = "privileged-" + shortId();
        ContainerPlan p = node.plan(id, List.of("sh", "-c",
                "grep CapEff /proc/self/status; grep ' /sys ' /proc/self/mounts"));
        node.runtime.startContainer(pod, new ContainerPlan(p.id(), p.rootfs(), false, p.args(), p.env(), "/", 0, 0,
                List.of(), Set.of(), false, true, true, p.mounts(), p.logPath(), 0, 0, 100_000, 2, 0,
                p.annotations()));

        assertThat(awaitExit(node, id).exitCode()).isZero();
        String bounding = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("CapBnd:")).findFirst().orElseThrow().substring(7).strip();
        assertThat(log(id)).as("every capability the agent holds").contains("CapEff:\t" + bounding)
                .containsPattern(" /sys sysfs rw,");
    }

    @Test
    void aSandboxWhosePauseProcessDiedIsRepairedByRunningItAgain() throws Exception {
        SandboxConfig config = config("repaired", false, true);
        Sandbox pod = node.runtime.runSandbox(config);
        ProcessHandle pause = PodNamespaces.pause(pod.pidns()).orElseThrow();
        pause.destroyForcibly();
        pause.onExit().get();

        Sandbox again = node.runtime.runSandbox(config);
        assertThat(again).isEqualTo(pod);
        assertThat(PodNamespaces.pause(again.pidns())).hasValueSatisfying(p -> assertThat(p.pid())
                .isNotEqualTo(pause.pid()));
        String id = "after-repair-" + shortId();
        node.runtime.startContainer(again, node.plan(id, List.of("sleep", "3600")));
        assertThat(node.runtime.inspect(id)).hasValueSatisfying(c -> assertThat(c.running()).isTrue());
    }

    @Test
    void aHostNetworkPodUsesTheNodesAddressAndNamespace() throws IOException {
        Sandbox pod = node.runtime.runSandbox(config("host-net", true, false));
        String id = "hostnet-" + shortId();
        ContainerState started = node.runtime.startContainer(pod, node.plan(id, List.of("sleep", "3600")));

        assertThat(pod.ip()).isEqualTo("127.0.0.1");
        assertThat(pod.netns()).isNull();
        assertThat(Files.readSymbolicLink(Path.of("/proc/" + started.pid() + "/ns/net")))
                .isEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/net")));
        node.runtime.removeSandbox(pod.podUid());
        assertThat(node.runtime.inspect(id)).isEmpty();
    }

    @Test
    void withoutAPodCidrOnlyHostNetworkPodsGetSandboxesUntilTheNodesPodCidrIsAssigned() throws IOException {
        try (TestNode waiting = TestNode.withoutPodCidr(tmp.resolve("c"))) {
            SandboxConfig early = config("early", false, false);
            assertThatThrownBy(() -> waiting.runtime.runSandbox(early)).isInstanceOf(NetworkNotReady.class)
                    .hasMessageContaining("spec.podCIDR").hasMessageContaining("node IPAM");
            assertThat(waiting.runtime.listSandboxes()).as("nothing made for the waiting pod").isEmpty();
            assertThat(Path.of("/run/netns", waiting.netnsName(early.podUid()))).doesNotExist();
            assertThat(Commands.run(List.of("ip", "link", "show", "dev", waiting.networkProperties.bridge()),
                    Duration.ofSeconds(10)).ok()).as("no bridge yet").isFalse();
            assertThat(waiting.runtime.runSandbox(config("host-early", true, false)).ip()).isEqualTo("127.0.0.1");

            int subnet = TestNode.freeSubnet(nodeSubnet, otherSubnet);
            assertThat(waiting.assignPodCidr("10.250." + subnet + ".0/24")).isTrue();
            Sandbox pod = waiting.runtime.runSandbox(early);

            assertThat(pod.ip()).startsWith("10.250." + subnet + ".");
            assertThat(Path.of("/run/netns", waiting.netnsName(early.podUid()))).exists();
        }
    }

    @Test
    void aContainerThatCannotStartIsReportedAndLeavesNothing() throws IOException {
        Sandbox pod = node.runtime.runSandbox(config("broken", false, false));
        String id = "broken-" + shortId();

        assertThatThrownBy(() -> node.runtime.startContainer(pod, node.plan(id, List.of("no-such-program"))))
                .isInstanceOf(RuntimeFailure.class)
                .hasMessageContaining("no-such-program");
        assertThat(node.runtime.inspect(id)).isEmpty();
        assertThat(node.dir.resolve("state/runtime/containers").resolve(id)).doesNotExist();
    }

    @Test
    void aRestartedRuntimeFindsTheRunningContainerAndTheSandbox() {
        RuncRuntime restarted = node.restart();

        assertThat(restarted.listSandboxes()).contains(web);
        assertThat(restarted.runSandbox(config("web", false, false))).as("idempotent").isEqualTo(web);
        assertThat(restarted.listContainers()).anySatisfy(c -> {
            assertThat(c.id()).isEqualTo(webContainer);
            assertThat(c.running()).isTrue();
            assertThat(c.pid()).isPositive();
            assertThat(c.startedAt()).isNotNull();
            assertThat(c.labels()).containsEntry("io.berth.container.name", webContainer)
                    .containsEntry(OciSpec.SANDBOX_ANNOTATION, web.podUid());
        });
        assertThat(restarted.inspect(webContainer)).hasValueSatisfying(c -> assertThat(c.running()).isTrue());
    }

    @Test
    void conmonIsNeitherTheAgentsChildNorInItsSessionSoItOutlivesTheAgent() throws IOException {
        Path pidFile = node.dir.resolve("state/runtime/containers").resolve(webContainer).resolve(Conmon.CONMON_PID);
        long conmon = Long.parseLong(Files.readString(pidFile).strip());

        assertThat(ProcessHandle.of(conmon)).hasValueSatisfying(p -> {
            assertThat(p.isAlive()).isTrue();
            assertThat(p.parent().map(ProcessHandle::pid)).isNotEqualTo(Optional.of(ProcessHandle.current().pid()));
        });
        assertThat(session(conmon)).isEqualTo(conmon).isNotEqualTo(session(ProcessHandle.current().pid()));
    }

    /** The session id: field 6 of /proc/<pid>/stat (after the parenthesised command). */
    private static long session(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]);
    }

    @Test
    void conmonReopensALogRenamedAwayAndLosesNoLine() throws IOException {
        Sandbox pod = node.runtime.runSandbox(config("rotating", false, false));
        String id = "rotating-" + shortId();
        node.runtime.startContainer(pod, node.plan(id, List.of("sh", "-c",
                "i=0; while true; do echo line $i; i=$((i+1)); sleep 0.05; done")));
        Path live = node.dir.resolve("logs").resolve(id + ".log");
        Path rotated = node.dir.resolve("logs").resolve(id + ".log.20261128-050000");
        await().atMost(SLOW).until(() -> log(id).contains("stdout F line 5\n"));

        Files.move(live, rotated);
        node.runtime.reopenLog(id);

        await().atMost(SLOW).until(() -> log(id).contains("stdout F line "));
        List<Integer> before = lineNumbers(Files.readString(rotated));
        List<Integer> after = lineNumbers(log(id));
        assertThat(before.get(0)).isZero();
        assertThat(after.get(0)).as("the first line of the reopened log follows the rotated one's last")
                .isEqualTo(before.get(before.size() - 1) + 1);
        node.runtime.removeContainer(id, true);
        node.runtime.removeSandbox(pod.podUid());
        assertThatThrownBy(() -> node.runtime.reopenLog(id)).isInstanceOf(RuntimeFailure.class)
                .hasMessageContaining("no conmon");
    }

    private static List<Integer> lineNumbers(String log) {
        return log.lines().map(l -> Integer.parseInt(l.substring(l.lastIndexOf(' ') + 1))).toList();
    }

    @Test
    void aNamespacePinIsToldFromAPlainFileWithoutTheMountTable() throws IOException {
        Path plain = Files.createFile(tmp.resolve("plain-" + shortId()));
        try {
            assertThat(Mounts.isNamespacePin(web.ipcns())).isTrue();
            assertThat(Mounts.isNamespacePin(web.utsns())).isTrue();
            assertThat(Mounts.isNamespacePin(plain)).isFalse();
            assertThat(Mounts.isNamespacePin(tmp.resolve("absent"))).isFalse();
        } finally {
            Files.delete(plain);
        }
    }

    @Test
    void aContainerTheOomKillerStruckSaysSo() throws IOException {
        Sandbox pod = node.runtime.runSandbox(config("greedy", false, false));
        String greedy = "greedy-" + shortId();
        String modest = "modest-" + shortId();
        node.runtime.startContainer(pod, node.plan(greedy, List.of("python3", "-c",
                "x = [bytearray(1024 * 1024) for _ in range(512)]"), 32L * 1024 * 1024));
        node.runtime.startContainer(pod, node.plan(modest, List.of("sh", "-c", "exit 137"), 32L * 1024 * 1024));

        ContainerState killed = awaitExit(node, greedy);
        ContainerState exited = awaitExit(node, modest);

        assertThat(killed.exitCode()).isEqualTo(137);
        assertThat(killed.oomKilled()).isTrue();
        assertThat(exited.exitCode()).isEqualTo(137);
        assertThat(exited.oomKilled()).as("exit code 137 alone is no OOM kill").isFalse();
        node.runtime.removeSandbox(pod.podUid());
    }

    @Test
    void sandboxesRemovedAtTheSameTimeAllGo() throws Exception {
        List<Sandbox> pods = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Sandbox pod = node.runtime.runSandbox(config("together-" + i, false, false));
            for (String c : List.of("a", "b")) {
                node.runtime.startContainer(pod, node.plan("together-" + i + c + "-" + shortId(),
                        List.of("sleep", "3600")));
            }
            pods.add(pod);
        }
        var pool = java.util.concurrent.Executors.newFixedThreadPool(pods.size());
        try {
            List<java.util.concurrent.Future<?>> removals = new java.util.ArrayList<>();
            for (Sandbox p : pods) {
                removals.add(pool.submit(() -> node.runtime.removeSandbox(p.podUid())));
            }
            for (var removal : removals) {
                removal.get(2, java.util.concurrent.TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        for (Sandbox pod : pods) {
            assertThat(Path.of("/run/netns", node.netnsName(pod.podUid()))).doesNotExist();
            assertThat(node.network.allocations()).doesNotContainValue(pod.podUid());
            assertThat(node.runtime.listSandboxes()).noneMatch(s -> s.podUid().equals(pod.podUid()));
        }
        assertThat(node.runtime.listContainers()).noneMatch(c -> c.id().startsWith("together-"));
    }

    @Test
    void removingContainerAndSandboxLeavesNoTrace() throws IOException {
        SandboxConfig config = config("doomed", false, true);
        Sandbox pod = node.runtime.runSandbox(config);
        String id = "doomed-" + shortId();
        node.runtime.startContainer(pod, node.plan(id, List.of("sleep", "3600")));
        String veth = node.network.hostVeth(pod.podUid());
        Path memoryCgroup = Path.of("/sys/fs/cgroup/memory", pod.cgroupsPath());
        assertThat(Path.of("/run/netns", node.netnsName(pod.podUid()))).exists();
        assertThat(Commands.run(List.of("ip", "link", "show", "dev", veth), Duration.ofSeconds(10)).ok()).isTrue();
        assertThat(memoryCgroup).isDirectory();
        assertThat(node.network.allocations()).containsValue(pod.podUid());

        assertThatThrownBy(() -> node.runtime.removeContainer(id, false)).isInstanceOf(RuntimeFailure.class)
                .hasMessageContaining("is running");
        node.runtime.removeContainer(id, true);
        node.runtime.removeContainer(id, true);
        node.runtime.removeSandbox(pod.podUid());
        node.runtime.removeSandbox(pod.podUid());

        assertThat(node.runtime.inspect(id)).isEmpty();
        assertThat(node.runtime.listSandboxes()).noneMatch(s -> s.podUid().equals(pod.podUid()));
        assertThat(Path.of("/run/netns", node.netnsName(pod.podUid()))).doesNotExist();
        assertThat(Commands.run(List.of("ip", "link", "show", "dev", veth), Duration.ofSeconds(10)).ok()).isFalse();
        assertThat(PodCgroups.hierarchies()).allSatisfy(h -> assertThat(h.resolve(pod.cgroupsPath().substring(1)))
                .doesNotExist());
        assertThat(node.network.allocations()).doesNotContainValue(pod.podUid());
        assertThat(node.dir.resolve("state/runtime/sandboxes").resolve(pod.podUid())).doesNotExist();
        assertThat(node.dir.resolve("logs").resolve(id + ".log")).as("logs are kept").exists();
    }

    private static SandboxConfig config(String name, boolean hostNetwork, boolean sharePid) {
        String uid = name.equals("web") ? WEB_UID : UUID.randomUUID().toString();
        return new SandboxConfig(uid, "default", name, name, hostNetwork, sharePid);
    }

    private static final String WEB_UID = UUID.randomUUID().toString();

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static ContainerPlan with(ContainerPlan p, long uid, Set<String> caps, boolean noNewPrivileges,
                                      boolean readOnly, long memory) {
        return new ContainerPlan(p.id(), p.rootfs(), readOnly, p.args(), p.env(), p.workingDir(), uid, uid,
                p.supplementalGroups(), caps == null ? p.capabilities() : caps, noNewPrivileges, p.privileged(),
                p.seccompRuntimeDefault(), p.mounts(), p.logPath(), memory, p.cpuQuotaMicros(), p.cpuPeriodMicros(),
                p.cpuShares(), p.pidsLimit(), p.annotations());
    }

    private String log(String id) throws IOException {
        Path file = node.dir.resolve("logs").resolve(id + ".log");
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private static ContainerState awaitExit(TestNode n, String id) {
        await().atMost(SLOW).until(() -> n.runtime.inspect(id)
                .map(c -> "stopped".equals(c.status()) && c.exitCode() != null).orElse(false));
        return n.runtime.inspect(id).orElseThrow();
    }

    private static int httpStatus(String ip) throws Exception {
        HttpClient client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(2)).build();
        return client.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":8080/"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
