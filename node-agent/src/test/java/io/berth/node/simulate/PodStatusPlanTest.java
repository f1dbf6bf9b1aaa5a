package io.berth.node.simulate;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class PodStatusPlanTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final String HOST = "127.0.0.1";
    private static final String IP = "10.0.7.1";

    record Case(String name, Pod pod, Instant boundSeen, Instant startedAt, double draw,
                PodStatusPlan.Settings settings, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        PodStatusPlan.Settings immediate = settings("1s", "0s", "0s", 0);
        PodStatusPlan.Settings slowReady = settings("1s", "5s", "0s", 0);
        PodStatusPlan.Settings jobs = settings("1s", "0s", "10s", 0.1);
        return Stream.of(
                new Case("a bound pod waits out its start delay", pending("Always"), ago(0.4), null, 0.5,
                        immediate, "wait PT0.6S"),
                new Case("a bound pod starts Running and Ready after its start delay", pending("Always"), ago(1),
                        null, 0.5, immediate, "write Running ready=true recheck=null"),
                new Case("with a ready delay it starts Running but not Ready", pending("Always"), ago(2), null, 0.5,
                        slowReady, "write Running ready=false recheck=PT5S"),
                new Case("Running and not Ready turns Ready after the ready delay", running("Always", false, null),
                        ago(10), ago(5), 0.5, slowReady, "write Running ready=true recheck=null"),
                new Case("Running and not Ready waits out the rest of the ready delay",
                        running("Always", false, null), ago(10), ago(2), 0.5, slowReady, "wait PT3S"),
                new Case("after a restart the start time comes from status.startTime",
                        running("Always", false, ago(6)), ago(10), null, 0.5, slowReady,
                        "write Running ready=true recheck=null"),
                new Case("a Never pod succeeds after runFor", running("Never", true, null), ago(20), ago(10), 0.9,
                        jobs, "write Succeeded ready=false exit=0 Completed recheck=null"),
                new Case("a Never pod whose draw is below the failure rate fails with exit code 1",
                        running("Never", true, null), ago(20), ago(10), 0.05, jobs,
                        "write Failed ready=false exit=1 Error recheck=null"),
                new Case("an OnFailure pod waits out the rest of runFor", running("OnFailure", true, null), ago(20),
                        ago(4), 0.9, jobs, "wait PT6S"),
                new Case("an Always pod runs forever whatever runFor says", running("Always", true, null), ago(7200),
                        ago(3600), 0.05, jobs, "nothing"),
                new Case("a started Never pod with a ready delay and runFor starts not ready, rechecking first at "
                        + "the ready delay", pending("Never"), ago(1), null, 0.9, settings("1s", "5s", "10s", 0),
                        "write Running ready=false recheck=PT5S"),
                new Case("a finished pod is left alone", finished("Succeeded"), ago(60), ago(50), 0.5, jobs,
                        "nothing"),
                new Case("a deleted running pod gets its containers terminated", deleted(running("Always", true,
                        null)), ago(60), ago(50), 0.5, immediate,
                        "write Succeeded ready=false exit=0 Completed recheck=null"),
                new Case("a deleted pod with nothing running is deleted with its uid as precondition",
                        deleted(finished("Succeeded")), ago(60), ago(50), 0.5, immediate, "delete uid-1"),
                new Case("a deleted pod that never started is deleted at once", deleted(pending("Always")), ago(0.1),
                        null, 0.5, immediate, "delete uid-1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void plansTheNextStep(Case c) {
        PodStatusPlan.Observed observed = new PodStatusPlan.Observed(NOW, c.boundSeen(), c.startedAt(), HOST, IP,
                c.draw());
        assertThat(describe(PodStatusPlan.plan(c.pod(), observed, c.settings()))).isEqualTo(c.expected());
    }

    @Test
    void aRunningStatusLooksLikeTheKubeletsOne() {
        Pod pod = new PodBuilder(pending("Always")).editSpec().addNewInitContainer().withName("init")
                .withImage("busybox:1.36").endInitContainer().endSpec().build();
        PodStatusPlan.Step step = PodStatusPlan.plan(pod, new PodStatusPlan.Observed(NOW, ago(1), null, HOST, IP, 0),
                settings("1s", "0s", "0s", 0));

        PodStatus status = ((PodStatusPlan.WriteStatus) step).status();
        assertThat(status.getPhase()).isEqualTo("Running");
        assertThat(status.getHostIP()).isEqualTo(HOST);
        assertThat(status.getPodIP()).isEqualTo(IP);
        assertThat(status.getPodIPs()).extracting(p -> p.getIp()).containsExactly(IP);
        assertThat(status.getStartTime()).isEqualTo("2026-01-01T12:00:00Z");
        assertThat(status.getConditions()).extracting(PodCondition::getType, PodCondition::getStatus).contains(
                org.assertj.core.groups.Tuple.tuple("PodScheduled", "True"),
                org.assertj.core.groups.Tuple.tuple("Initialized", "True"),
                org.assertj.core.groups.Tuple.tuple("ContainersReady", "True"),
                org.assertj.core.groups.Tuple.tuple("Ready", "True"));
        ContainerStatus main = status.getContainerStatuses().get(0);
        assertThat(main.getName()).isEqualTo("main");
        assertThat(main.getState().getRunning().getStartedAt()).isEqualTo("2026-01-01T12:00:00Z");
        assertThat(main.getReady()).isTrue();
        assertThat(main.getStarted()).isTrue();
        assertThat(main.getRestartCount()).isZero();
        assertThat(main.getImage()).isEqualTo("busybox:1.36");
        assertThat(main.getImageID()).isEqualTo("simulated://busybox:1.36");
        assertThat(main.getContainerID()).isEqualTo("simulated://uid-1/main");
        assertThat(status.getInitContainerStatuses()).singleElement().satisfies(init -> {
            assertThat(init.getState().getTerminated().getExitCode()).isZero();
            assertThat(init.getState().getTerminated().getReason()).isEqualTo("Completed");
        });
    }

    private static String describe(PodStatusPlan.Step step) {
        if (step instanceof PodStatusPlan.Nothing) {
            return "nothing";
        }
        if (step instanceof PodStatusPlan.Wait wait) {
            return "wait " + wait.after();
        }
        if (step instanceof PodStatusPlan.Delete delete) {
            return "delete " + delete.uid();
        }
        PodStatusPlan.WriteStatus write = (PodStatusPlan.WriteStatus) step;
        PodStatus s = write.status();
        boolean ready = s.getConditions().stream().anyMatch(c -> c.getType().equals("Ready")
                && c.getStatus().equals("True"));
        String terminated = s.getContainerStatuses().stream()
                .filter(c -> c.getState().getTerminated() != null)
                .map(c -> " exit=" + c.getState().getTerminated().getExitCode() + " "
                        + c.getState().getTerminated().getReason())
                .collect(Collectors.joining());
        return "write " + s.getPhase() + " ready=" + ready + terminated + " recheck=" + write.recheckAfter();
    }

    private static PodStatusPlan.Settings settings(String start, String ready, String runFor, double failureRate) {
        return new PodStatusPlan.Settings(duration(start), duration(ready), duration(runFor), failureRate);
    }

    private static Duration duration(String s) {
        return Duration.parse("PT" + s.toUpperCase());
    }

    private static Instant ago(double seconds) {
        return NOW.minusMillis(Math.round(seconds * 1000));
    }

    private static Pod pending(String restartPolicy) {
        return new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").withUid("uid-1")
                .withResourceVersion("10").endMetadata()
                .withNewSpec().withNodeName("berth-sim-7").withRestartPolicy(restartPolicy)
                .addNewContainer().withName("main").withImage("busybox:1.36").endContainer().endSpec()
                .withNewStatus().withPhase("Pending").withQosClass("BestEffort").endStatus()
                .build();
    }

    private static Pod running(String restartPolicy, boolean ready, Instant startTime) {
        PodStatusPlan.Observed o = new PodStatusPlan.Observed(NOW, ago(10),
                startTime == null ? ago(1) : startTime, HOST, IP, 0);
        Pod pod = pending(restartPolicy);
        PodStatus status = PodStatusPlan.running(pod, o, startTime == null ? ago(1) : startTime, ready);
        return new PodBuilder(pod).withStatus(status).build();
    }

    private static Pod finished(String phase) {
        Pod pod = pending("Never");
        PodStatusPlan.Observed o = new PodStatusPlan.Observed(NOW, ago(60), ago(50), HOST, IP, 0);
        return new PodBuilder(pod).withStatus(PodStatusPlan.finished(pod, o, ago(50), phase.equals("Failed")))
                .build();
    }

    private static Pod deleted(Pod pod) {
        return new PodBuilder(pod).editMetadata().withDeletionTimestamp("2026-01-01T12:00:30Z")
                .withDeletionGracePeriodSeconds(30L).endMetadata().build();
    }
}
