package io.berth.node.pods;

import io.berth.node.runtime.ContainerPlan;
import io.berth.node.runtime.ContainerRuntime;
import io.berth.node.runtime.ContainerState;
import io.berth.node.runtime.ExecResult;
import io.berth.node.runtime.NetworkNotReady;
import io.berth.node.runtime.Sandbox;
import io.berth.node.runtime.SandboxConfig;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The pod worker's decisions, with a runtime and launcher that only remember what they were asked. */
class PodWorkerTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeRuntime runtime = new FakeRuntime();
    private final List<String> launched = new ArrayList<>();
    private final Map<String, String> failNext = new LinkedHashMap<>();
    private PodStatus status;
    private int refreshes;
    private final List<String> events = new ArrayList<>();

    private final ContainerLauncher launcher = new ContainerLauncher() {
        @Override
        public Started launch(Pod pod, io.fabric8.kubernetes.api.model.Container c, Sandbox sandbox, int attempt,
                              boolean init) {
            String reason = failNext.remove(c.getName());
            if (reason != null) {
                throw new LaunchFailure(reason, "cannot start " + c.getName());
            }
            String id = c.getName() + "-" + attempt;
            launched.add(id);
            ContainerState s = new ContainerState(id, "running", 100, null, clock.instant(), null,
                    Map.of(PodContext.POD_UID_LABEL, "uid-1", PodContext.CONTAINER_LABEL, c.getName(),
                            PodContext.RESTART_LABEL, Integer.toString(attempt)));
            runtime.containers.put(id, s);
            return new Started(s, "sha256:abc");
        }

        @Override
        public void release(String containerId) {
        }

        @Override
        public void releasePod(String namespace, String name, String uid) {
        }

        @Override
        public void refreshVolumes(Pod pod, Sandbox sandbox) {
            refreshes++;
        }
    };

    private PodWorker worker(Pod pod) {
        PodContext ctx = new PodContext(runtime, launcher,
                new Hooks(runtime, new Prober(runtime), Executors.newSingleThreadExecutor(), (p, t, r, m) -> { }),
                new Prober(runtime), (uid, probe, done) -> { }, (p, s) -> { status = s; return true; },
                (p, t, r, m) -> events.add(t + " " + r + ": " + m),
                (uid, action) -> action.run(), "192.0.2.1", Duration.ofSeconds(10), Duration.ofSeconds(300), clock);
        return new PodWorker(ctx, pod, List.of());
    }

    private static Pod pod(String restartPolicy, String... initContainers) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName("web").withNamespace("ns").withUid("uid-1")
                .endMetadata().withNewSpec().withRestartPolicy(restartPolicy)
                .addNewContainer().withName("main").withImage("host").endContainer().endSpec();
        for (String i : initContainers) {
            b.editSpec().addNewInitContainer().withName(i).withImage("host").endInitContainer().endSpec();
        }
        return b.build();
    }

    private void exit(String id, int code) {
        ContainerState s = runtime.containers.get(id);
        runtime.containers.put(id, new ContainerState(id, "stopped", 0, code, s.startedAt(), clock.instant(),
                s.labels()));
    }

    private ContainerStatus main() {
        return status.getContainerStatuses().get(0);
    }

    @Test
    void alwaysRestartsAtOnceThenBacksOffWithCrashLoopBackOff() {
        PodWorker w = worker(pod("Always"));
        w.sync();
        assertThat(launched).containsExactly("main-0");
        assertThat(status.getPhase()).isEqualTo("Running");

        exit("main-0", 1);
        w.sync();
        assertThat(launched).containsExactly("main-0", "main-1");
        assertThat(main().getRestartCount()).isEqualTo(1);
        assertThat(main().getLastState().getTerminated().getExitCode()).isEqualTo(1);

        exit("main-1", 1);
        w.sync();
        assertThat(launched).hasSize(2);
        assertThat(main().getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
        assertThat(main().getState().getWaiting().getMessage()).startsWith("back-off 10s restarting failed container=main");
        assertThat(status.getPhase()).isEqualTo("Running");

        clock.advance(Duration.ofSeconds(11));
        w.sync();
        assertThat(launched).containsExactly("main-0", "main-1", "main-2");
        assertThat(main().getRestartCount()).isEqualTo(2);
        assertThat(runtime.removed).contains("main-0");
    }

    @Test
    void aPodPastItsActiveDeadlineFailsAndItsContainerIsTerminatedThenKilledAfterTheGracePeriod() {
        Pod p = pod("Always");
        p.getSpec().setActiveDeadlineSeconds(5L);
        p.getSpec().setTerminationGracePeriodSeconds(3L);
        p.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withStartTime(clock.instant().toString())
                .build());
        PodWorker w = worker(p);
        w.sync();
        assertThat(status.getPhase()).isEqualTo("Running");

        clock.advance(Duration.ofSeconds(6));
        assertThat(w.sync()).as("looked at again while its container stops").isEqualTo(clock.instant().plusSeconds(1));
        assertThat(status.getPhase()).isEqualTo("Failed");
        assertThat(status.getReason()).isEqualTo("DeadlineExceeded");
        // TERM follows the (absent) preStop hook on the hooks' thread
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(runtime.signals).containsExactly("main-0 TERM"));
        assertThat(events).contains("Normal Killing: Stopping container main");

        clock.advance(Duration.ofSeconds(1));
        w.sync();
        assertThat(runtime.signals).as("within the grace period: no KILL yet").containsExactly("main-0 TERM");

        clock.advance(Duration.ofSeconds(2));
        w.sync();
        assertThat(runtime.signals).containsExactly("main-0 TERM", "main-0 KILL");

        exit("main-0", 137);
        assertThat(w.sync()).as("nothing runs any more").isNull();
        assertThat(main().getState().getTerminated().getExitCode()).isEqualTo(137);
        assertThat(launched).as("a failed pod restarts nothing").containsExactly("main-0");
    }

    @Test
    void aRunningPodsVolumesAreRefreshedEveryTenSeconds() {
        PodWorker w = worker(pod("Always"));
        w.sync();
        int afterStart = refreshes;
        w.sync();
        assertThat(refreshes).as("not again within ten seconds").isEqualTo(afterStart);
        clock.advance(Duration.ofSeconds(10));
        assertThat(w.sync()).isEqualTo(clock.instant().plusSeconds(10));
        assertThat(refreshes).isEqualTo(afterStart + 1);
    }

    @Test
    void onFailureRestartsOnlyAFailureAndSucceedsOnExitZero() {
        PodWorker w = worker(pod("OnFailure"));
        w.sync();
        exit("main-0", 2);
        w.sync();
        assertThat(launched).containsExactly("main-0", "main-1");
        exit("main-1", 0);
        w.sync();
        assertThat(launched).hasSize(2);
        assertThat(status.getPhase()).isEqualTo("Succeeded");
        assertThat(main().getState().getTerminated().getReason()).isEqualTo("Completed");
    }

    @Test
    void neverLeavesAFailedContainerAndThePodFails() {
        PodWorker w = worker(pod("Never"));
        w.sync();
        exit("main-0", 1);
        w.sync();
        assertThat(launched).containsExactly("main-0");
        assertThat(status.getPhase()).isEqualTo("Failed");
        assertThat(main().getState().getTerminated().getExitCode()).isEqualTo(1);
        assertThat(main().getState().getTerminated().getReason()).isEqualTo("Error");
    }

    @Test
    void anOomKillIsTheTerminationReasonAndTheLastStateOfTheRestart() {
        PodWorker w = worker(pod("Always"));
        w.sync();
        ContainerState s = runtime.containers.get("main-0");
        runtime.containers.put("main-0", new ContainerState("main-0", "stopped", 0, 137, s.startedAt(),
                clock.instant(), s.labels(), true));
        w.sync();

        assertThat(launched).containsExactly("main-0", "main-1");
        assertThat(main().getLastState().getTerminated().getReason()).isEqualTo("OOMKilled");
        assertThat(main().getLastState().getTerminated().getExitCode()).isEqualTo(137);
    }

    @Test
    void initContainersRunOneAfterAnotherBeforeTheContainers() {
        PodWorker w = worker(pod("Always", "first", "second"));
        w.sync();
        assertThat(launched).containsExactly("first-0");
        assertThat(status.getPhase()).isEqualTo("Pending");
        assertThat(main().getState().getWaiting().getReason()).isEqualTo("PodInitializing");

        exit("first-0", 0);
        w.sync();
        assertThat(launched).containsExactly("first-0", "second-0");

        exit("second-0", 0);
        w.sync();
        assertThat(launched).containsExactly("first-0", "second-0", "main-0");
        assertThat(status.getPhase()).isEqualTo("Running");
        assertThat(status.getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Initialized");
            assertThat(c.getStatus()).isEqualTo("True");
        });
    }

    @Test
    void aFailedInitContainerFailsAPodThatNeverRestarts() {
        PodWorker w = worker(pod("Never", "first"));
        w.sync();
        exit("first-0", 3);
        w.sync();
        assertThat(launched).containsExactly("first-0");
        assertThat(status.getPhase()).isEqualTo("Failed");
    }

    @Test
    void aLaunchFailureShowsItsReasonAndIsRetriedAfterTheBackOff() {
        failNext.put("main", "ErrImageNeverPull");
        PodWorker w = worker(pod("Always"));
        w.sync();
        assertThat(launched).isEmpty();
        assertThat(main().getState().getWaiting().getReason()).isEqualTo("ErrImageNeverPull");
        assertThat(status.getPhase()).isEqualTo("Pending");
        clock.advance(Duration.ofSeconds(1));
        w.sync();
        assertThat(launched).containsExactly("main-0");
    }

    @Test
    void aRejectedPodFailsWithItsReasonAndStartsNothing() {
        PodWorker w = worker(pod("Always"));
        w.reject("OutOfcpu", "Pod was rejected: Node didn't have enough resource: cpu");
        w.sync();
        assertThat(launched).isEmpty();
        assertThat(status.getPhase()).isEqualTo("Failed");
        assertThat(status.getReason()).isEqualTo("OutOfcpu");
    }

    @Test
    void anAgentRestartAdoptsRunningContainersInsteadOfStartingThemAgain() {
        ContainerState running = new ContainerState("main-3", "running", 100, null, clock.instant(), null,
                Map.of(PodContext.POD_UID_LABEL, "uid-1", PodContext.CONTAINER_LABEL, "main",
                        PodContext.RESTART_LABEL, "3"));
        runtime.containers.put("main-3", running);
        PodContext ctx = new PodContext(runtime, launcher, null, new Prober(runtime), (uid, probe, done) -> { },
                (p, s) -> { status = s; return true; }, (p, t, r, m) -> { }, (uid, action) -> action.run(), "192.0.2.1",
                Duration.ofSeconds(10), Duration.ofSeconds(300), clock);
        PodWorker w = new PodWorker(ctx, pod("Always"), List.of(running));
        w.sync();
        assertThat(launched).isEmpty();
        assertThat(main().getRestartCount()).isEqualTo(3);
        assertThat(main().getState().getRunning()).isNotNull();
    }

    @Test
    void aPodBoundBeforeTheNodeHasAPodCidrWaitsWithOneEventAndStartsOnceItArrives() {
        runtime.networkNotReady = "the node's pod CIDR is not assigned yet: waiting for the node's spec.podCIDR"
                + " from the controller manager's node IPAM";
        PodWorker w = worker(pod("Always"));

        Instant first = w.sync();
        clock.advance(PodWorker.NETWORK_RETRY);
        Instant second = w.sync();

        assertThat(first).isEqualTo(clock.instant());
        assertThat(second).as("asks again soon").isEqualTo(clock.instant().plus(PodWorker.NETWORK_RETRY));
        assertThat(launched).isEmpty();
        assertThat(status.getPhase()).isEqualTo("Pending");
        assertThat(main().getState().getWaiting().getReason()).isEqualTo("ContainerCreating");
        assertThat(events).as("one Event, not one per try").containsExactly("Warning NetworkNotReady: network is "
                + "not ready: the node's pod CIDR is not assigned yet: waiting for the node's spec.podCIDR from the "
                + "controller manager's node IPAM");

        runtime.networkNotReady = null;
        w.sync();

        assertThat(launched).containsExactly("main-0");
        assertThat(status.getPhase()).isEqualTo("Running");
        assertThat(status.getPodIP()).isEqualTo("10.244.0.5");
        assertThat(events).filteredOn(e -> e.contains("NetworkNotReady")).hasSize(1);
    }

    static final class FakeRuntime implements ContainerRuntime {
        final Map<String, ContainerState> containers = new LinkedHashMap<>();
        final List<String> removed = new ArrayList<>();
        final List<String> reopened = new ArrayList<>();
        /** Set: sandboxes fail with {@link NetworkNotReady} and this message. */
        String networkNotReady;

        @Override
        public Sandbox runSandbox(SandboxConfig config) {
            if (networkNotReady != null && !config.hostNetwork()) {
                throw new NetworkNotReady(networkNotReady);
            }
            return new Sandbox(config.podUid(), "10.244.0.5", null, null, null, null, "berth/pod");
        }

        @Override
        public List<Sandbox> listSandboxes() {
            return List.of();
        }

        @Override
        public void removeSandbox(String podUid) {
        }

        @Override
        public ContainerState startContainer(Sandbox sandbox, ContainerPlan plan) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<ContainerState> inspect(String containerId) {
            return Optional.ofNullable(containers.get(containerId));
        }

        @Override
        public List<ContainerState> listContainers() {
            return List.copyOf(containers.values());
        }

        @Override
        public void reopenLog(String containerId) {
            reopened.add(containerId);
        }

        final List<String> signals = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void signal(String containerId, String signal) {
            signals.add(containerId + " " + signal);
        }

        @Override
        public void removeContainer(String containerId, boolean force) {
            removed.add(containerId);
            containers.remove(containerId);
        }

        @Override
        public ExecResult exec(String containerId, List<String> command, Duration timeout) {
            return new ExecResult(0, "", "", false);
        }

        @Override
        public Process execStreaming(String containerId, List<String> command, boolean tty) {
            throw new UnsupportedOperationException();
        }
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
