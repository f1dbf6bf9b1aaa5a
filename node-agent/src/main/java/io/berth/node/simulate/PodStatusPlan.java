package io.berth.node.simulate;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIPBuilder;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a simulated kubelet does next with one pod bound to one of its nodes: a pure function of the pod (from the
 * informer's cache) and what the simulator observed, so that every transition is a table test.
 *
 * <ol>
 *   <li>deleted ({@code deletionTimestamp} set): containers still running are reported terminated; once none runs,
 *       the pod is deleted for good (grace period 0, uid precondition), as the kubelet finishes a graceful delete;</li>
 *   <li>finished (Succeeded or Failed): nothing;</li>
 *   <li>bound, not started: after {@code startDelay} from when the simulator first saw it bound, Running with every
 *       container running (and Ready at once when {@code readyDelay} is 0);</li>
 *   <li>Running, not Ready: Ready after {@code readyDelay} from its start;</li>
 *   <li>Running, restartPolicy not Always, {@code runFor} &gt; 0: after {@code runFor} from its start, Succeeded, or
 *       Failed (exit code 1, reason Error) when its failure draw is below {@code failureRate}.</li>
 * </ol>
 *
 * Level-triggered and idempotent: planning the same pod again plans the same step.
 */
final class PodStatusPlan {

    /** The simulation's timings ({@code berth.node.simulate.*}). */
    record Settings(Duration startDelay, Duration readyDelay, Duration runFor, double failureRate) {
    }

    /**
     * What the simulator knows beyond the pod object.
     *
     * @param boundSeen   when it first saw the pod bound to its node
     * @param startedAt   when it started the pod, or null (then the pod's {@code status.startTime} counts)
     * @param failureDraw the pod's fixed draw in [0, 1) against {@code failureRate}
     */
    record Observed(Instant now, Instant boundSeen, Instant startedAt, String hostIP, String podIP,
                    double failureDraw) {
    }

    /** The step to take. */
    sealed interface Step permits Nothing, Wait, WriteStatus, Delete {
    }

    /** Nothing to do until the pod changes. */
    record Nothing() implements Step {
    }

    /** Nothing to do now; plan again after {@code after}. */
    record Wait(Duration after) implements Step {
    }

    /**
     * Write this status (a merge patch of {@code pods/<name>/status}).
     *
     * @param startedAt    when the pod started, to remember
     * @param recheckAfter plan again after this long even if the pod does not change; null: only on a change
     */
    record WriteStatus(PodStatus status, Instant startedAt, Duration recheckAfter) implements Step {
    }

    /** Delete the pod with grace period 0 and this uid as precondition. */
    record Delete(String uid) implements Step {
    }

    private PodStatusPlan() {
    }

    static Step plan(Pod pod, Observed o, Settings s) {
        PodStatus status = pod.getStatus();
        String phase = status == null || status.getPhase() == null ? "Pending" : status.getPhase();
        boolean running = anyRunning(status);
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            if (!running) {
                return new Delete(pod.getMetadata().getUid());
            }
            Instant startedAt = startedAt(status, o);
            return new WriteStatus(finished(pod, o, startedAt, false), startedAt, null);
        }
        if (phase.equals("Succeeded") || phase.equals("Failed")) {
            return new Nothing();
        }
        if (!running) {
            Instant startAt = o.boundSeen().plus(s.startDelay());
            if (o.now().isBefore(startAt)) {
                return new Wait(Duration.between(o.now(), startAt));
            }
            boolean ready = s.readyDelay().isZero() || s.readyDelay().isNegative();
            return new WriteStatus(running(pod, o, o.now(), ready), o.now(), next(pod, s, o.now(), o.now(), ready));
        }
        Instant startedAt = startedAt(status, o);
        if (finishes(pod, s) && !o.now().isBefore(startedAt.plus(s.runFor()))) {
            return new WriteStatus(finished(pod, o, startedAt, o.failureDraw() < s.failureRate()), startedAt, null);
        }
        boolean ready = isReady(status);
        if (!ready && !o.now().isBefore(startedAt.plus(s.readyDelay()))) {
            return new WriteStatus(running(pod, o, startedAt, true), startedAt, next(pod, s, o.now(), startedAt, true));
        }
        Duration next = next(pod, s, o.now(), startedAt, ready);
        return next == null ? new Nothing() : new Wait(next);
    }

    /** The time to the pod's next deadline (Ready, or finishing), or null if it has none. */
    private static Duration next(Pod pod, Settings s, Instant now, Instant startedAt, boolean ready) {
        Duration next = null;
        if (!ready) {
            next = Duration.between(now, startedAt.plus(s.readyDelay()));
        }
        if (finishes(pod, s)) {
            Duration finish = Duration.between(now, startedAt.plus(s.runFor()));
            next = next == null || finish.compareTo(next) < 0 ? finish : next;
        }
        return next == null ? null : next.isNegative() ? Duration.ZERO : next;
    }

    private static boolean finishes(Pod pod, Settings s) {
        String policy = pod.getSpec().getRestartPolicy();
        return s.runFor().compareTo(Duration.ZERO) > 0 && policy != null && !policy.equals("Always");
    }

    private static Instant startedAt(PodStatus status, Observed o) {
        if (o.startedAt() != null) {
            return o.startedAt();
        }
        Instant start = status == null ? null : Times.parse(status.getStartTime());
        return start != null ? start : o.now();
    }

    private static boolean anyRunning(PodStatus status) {
        return status != null && status.getContainerStatuses() != null && status.getContainerStatuses().stream()
                .anyMatch(c -> c.getState() != null && c.getState().getRunning() != null);
    }

    private static boolean isReady(PodStatus status) {
        return status.getConditions() != null && status.getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** Running: every container running (ready or not), init containers completed. */
    static PodStatus running(Pod pod, Observed o, Instant startedAt, boolean ready) {
        String started = Times.format(startedAt);
        String notReady = ready ? null : "containers with unready status: [" + names(pod.getSpec().getContainers())
                + "]";
        return base(pod, o, "Running", startedAt)
                .withConditions(
                        condition("PodReadyToStartContainers", true, started, null, null),
                        condition("Initialized", true, started, null, null),
                        condition("Ready", ready, Times.format(o.now()), ready ? null : "ContainersNotReady",
                                notReady),
                        condition("ContainersReady", ready, Times.format(o.now()),
                                ready ? null : "ContainersNotReady", notReady),
                        condition("PodScheduled", true, Times.format(o.boundSeen()), null, null))
                .withContainerStatuses(pod.getSpec().getContainers().stream().map(c -> container(pod, c)
                        .withReady(ready).withStarted(true)
                        .withNewState().withNewRunning().withStartedAt(started).endRunning().endState()
                        .build()).toList())
                .build();
    }

    /** Finished: every container terminated (exit 0 Completed, or exit 1 Error), not ready. */
    static PodStatus finished(Pod pod, Observed o, Instant startedAt, boolean failed) {
        String started = Times.format(startedAt);
        String now = Times.format(o.now());
        return base(pod, o, failed ? "Failed" : "Succeeded", startedAt)
                .withConditions(
                        condition("PodReadyToStartContainers", false, now, null, null),
                        condition("Initialized", true, started, null, null),
                        condition("Ready", false, now, "PodCompleted", null),
                        condition("ContainersReady", false, now, "PodCompleted", null),
                        condition("PodScheduled", true, Times.format(o.boundSeen()), null, null))
                .withContainerStatuses(pod.getSpec().getContainers().stream().map(c -> container(pod, c)
                        .withReady(false).withStarted(false)
                        .withNewState().withNewTerminated().withExitCode(failed ? 1 : 0)
                        .withReason(failed ? "Error" : "Completed").withStartedAt(started).withFinishedAt(now)
                        .withContainerID(containerId(pod, c)).endTerminated().endState()
                        .build()).toList())
                .build();
    }

    private static PodStatusBuilder base(Pod pod, Observed o, String phase, Instant startedAt) {
        String started = Times.format(startedAt);
        List<Container> inits = pod.getSpec().getInitContainers() == null ? List.of()
                : pod.getSpec().getInitContainers();
        return new PodStatusBuilder()
                .withPhase(phase)
                .withHostIP(o.hostIP())
                .withHostIPs(new HostIPBuilder().withIp(o.hostIP()).build())
                .withPodIP(o.podIP())
                .withPodIPs(new PodIPBuilder().withIp(o.podIP()).build())
                .withStartTime(started)
                .withInitContainerStatuses(inits.stream().map(c -> container(pod, c).withReady(true)
                        .withStarted(false)
                        .withNewState().withNewTerminated().withExitCode(0).withReason("Completed")
                        .withStartedAt(started).withFinishedAt(started).withContainerID(containerId(pod, c))
                        .endTerminated().endState().build()).toList());
    }

    private static ContainerStatusBuilder container(Pod pod, Container c) {
        return new ContainerStatusBuilder()
                .withName(c.getName())
                .withImage(c.getImage())
                .withImageID("simulated://" + c.getImage())
                .withContainerID(containerId(pod, c))
                .withRestartCount(0);
    }

    private static String containerId(Pod pod, Container c) {
        return "simulated://" + pod.getMetadata().getUid() + "/" + c.getName();
    }

    private static PodCondition condition(String type, boolean status, String transition, String reason,
                                          String message) {
        return new PodConditionBuilder().withType(type).withStatus(status ? "True" : "False")
                .withLastTransitionTime(transition).withReason(reason).withMessage(message).build();
    }

    private static String names(List<Container> containers) {
        return containers.stream().map(Container::getName).collect(Collectors.joining(" "));
    }
}
