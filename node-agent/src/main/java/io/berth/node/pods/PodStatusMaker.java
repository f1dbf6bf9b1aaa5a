package io.berth.node.pods;

import io.berth.node.runtime.ContainerState;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A pod's status from what the node observed: Kubernetes' {@code getPhase}, the four standard conditions plus
 * {@code PodReadyToStartContainers}, container statuses with state and last state, IPs and start time. Pure; the
 * previous status only supplies transition times and the start time, so writing the result twice is a no-op.
 */
public final class PodStatusMaker {

    private PodStatusMaker() {
    }

    /**
     * What the worker observed.
     *
     * @param podIp       the sandbox's IP, or null before it exists
     * @param hostIp      the node's address
     * @param sandboxUp   the sandbox exists
     * @param init        the init containers, in spec order
     * @param containers  the regular containers, in spec order
     * @param terminal    a phase the pod ended in for reasons other than its containers ({@code Failed} with
     *                    {@code reason}/{@code message}: admission, activeDeadlineSeconds), or null
     * @param reason      the terminal reason ({@code OutOfcpu}, {@code DeadlineExceeded}), or null
     * @param message     the terminal message
     */
    public record Observed(String podIp, String hostIp, boolean sandboxUp, Map<String, ContainerView> init,
                           Map<String, ContainerView> containers, String terminal, String reason, String message) {
    }

    public static PodStatus make(Pod pod, Observed o, Instant now) {
        PodStatus old = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
        String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
        List<Container> initSpecs = pod.getSpec().getInitContainers() == null ? List.of()
                : pod.getSpec().getInitContainers();
        String restartPolicy = Objects.requireNonNullElse(pod.getSpec().getRestartPolicy(), "Always");

        boolean initialized = true;
        boolean initFailed = false;
        for (Container c : initSpecs) {
            ContainerView v = o.init().get(c.getName());
            boolean sidecar = "Always".equals(c.getRestartPolicy());
            if (sidecar) {
                if (v == null || !v.running() || !v.started()) {
                    initialized = false;
                }
                continue;
            }
            if (v == null || !v.succeeded()) {
                initialized = false;
                if (v != null && v.exited() && "Never".equals(restartPolicy)) {
                    initFailed = true;
                }
            }
        }
        String phase = o.terminal() != null ? o.terminal()
                : phase(pod, o, initialized, initFailed, restartPolicy);

        List<ContainerStatus> initStatuses = new ArrayList<>();
        for (Container c : initSpecs) {
            initStatuses.add(status(c, o.init().get(c.getName()), "PodInitializing", old.getInitContainerStatuses()));
        }
        List<ContainerStatus> statuses = new ArrayList<>();
        boolean allReady = !pod.getSpec().getContainers().isEmpty();
        for (Container c : pod.getSpec().getContainers()) {
            ContainerView v = o.containers().get(c.getName());
            ContainerStatus s = status(c, v, initialized ? "ContainerCreating" : "PodInitializing",
                    old.getContainerStatuses());
            statuses.add(s);
            allReady &= Boolean.TRUE.equals(s.getReady());
        }
        for (int i = 0; i < initSpecs.size(); i++) {
            if ("Always".equals(initSpecs.get(i).getRestartPolicy())) {
                allReady &= Boolean.TRUE.equals(initStatuses.get(i).getReady());
            }
        }
        boolean terminal = "Succeeded".equals(phase) || "Failed".equals(phase);
        boolean containersReady = allReady && !terminal;

        List<PodCondition> conditions = new ArrayList<>();
        List<PodCondition> oldConditions = old.getConditions() == null ? List.of() : old.getConditions();
        conditions.add(condition(oldConditions, "PodReadyToStartContainers", o.sandboxUp() && !terminal, null, time));
        conditions.add(condition(oldConditions, "Initialized", initialized || terminal && initialized, initialized
                ? null : "ContainersNotInitialized", time));
        conditions.add(condition(oldConditions, "Ready", containersReady, containersReady ? null
                : terminal ? "PodCompleted" : "ContainersNotReady", time));
        conditions.add(condition(oldConditions, "ContainersReady", containersReady, containersReady ? null
                : terminal ? "PodCompleted" : "ContainersNotReady", time));
        for (PodCondition c : oldConditions) {
            if (conditions.stream().noneMatch(x -> x.getType().equals(c.getType()))) {
                conditions.add(c); // PodScheduled and anything else the node does not own
            }
        }

        return new PodStatusBuilder()
                .withPhase(phase)
                .withReason(o.terminal() != null ? o.reason() : null)
                .withMessage(o.terminal() != null ? o.message() : null)
                .withHostIP(o.hostIp())
                .withHostIPs(o.hostIp() == null ? null : List.of(new io.fabric8.kubernetes.api.model.HostIP(o.hostIp())))
                .withPodIP(o.podIp())
                .withPodIPs(o.podIp() == null ? null : List.of(new PodIP(o.podIp())))
                .withStartTime(old.getStartTime() != null ? old.getStartTime() : time)
                .withQosClass(old.getQosClass())
                .withConditions(conditions)
                .withInitContainerStatuses(initStatuses.isEmpty() ? null : initStatuses)
                .withContainerStatuses(statuses)
                .build();
    }

    private static String phase(Pod pod, Observed o, boolean initialized, boolean initFailed, String restartPolicy) {
        if (initFailed) {
            return "Failed";
        }
        if (!initialized) {
            return "Pending";
        }
        int running = 0;
        int waiting = 0;
        int stopped = 0;
        int succeeded = 0;
        for (Container c : pod.getSpec().getContainers()) {
            ContainerView v = o.containers().get(c.getName());
            if (v != null && v.running()) {
                running++;
            } else if (v != null && v.exited()) {
                stopped++;
                if (v.succeeded()) {
                    succeeded++;
                }
            } else if (v != null && v.previous() != null && v.previous().exitCode() != null) {
                stopped++; // waiting to restart: Kubernetes counts its last termination
            } else {
                waiting++;
            }
        }
        if (waiting > 0) {
            return "Pending";
        }
        if (running > 0) {
            return "Running";
        }
        if (stopped > 0) {
            if ("Always".equals(restartPolicy)) {
                return "Running";
            }
            if (stopped == succeeded) {
                return "Succeeded";
            }
            return "Never".equals(restartPolicy) ? "Failed" : "Running";
        }
        return "Pending";
    }

    private static ContainerStatus status(Container spec, ContainerView v, String defaultWaiting,
                                          List<ContainerStatus> old) {
        ContainerStatusBuilder b = new ContainerStatusBuilder().withName(spec.getName()).withImage(spec.getImage())
                .withImageID(v == null || v.imageId() == null ? "" : v.imageId())
                .withRestartCount(v == null ? 0 : v.restarts());
        if (v == null || v.current() == null) {
            b.withState(waiting(v == null || v.waiting() == null ? defaultWaiting : v.waiting(),
                    v == null ? null : v.message()));
            b.withReady(false).withStarted(false);
            if (v != null && v.previous() != null) {
                b.withLastState(terminated(v.previous(), null));
            }
            return b.build();
        }
        ContainerState cur = v.current();
        b.withContainerID("runc://" + cur.id());
        if (cur.running()) {
            b.withState(new ContainerStateBuilder().withNewRunning()
                    .withStartedAt(time(cur.startedAt())).endRunning().build());
            b.withReady(v.ready()).withStarted(v.started());
        } else if (v.waiting() != null) {
            // exited and waiting to restart (CrashLoopBackOff): the run that ended is the last state
            b.withState(waiting(v.waiting(), v.message())).withLastState(terminated(cur, null));
            b.withReady(false).withStarted(false);
            return b.build();
        } else {
            b.withState(terminated(cur, null)).withReady(false).withStarted(false);
        }
        if (v.previous() != null) {
            b.withLastState(terminated(v.previous(), null));
        }
        return b.build();
    }

    private static io.fabric8.kubernetes.api.model.ContainerState waiting(String reason, String message) {
        return new ContainerStateBuilder().withNewWaiting().withReason(reason).withMessage(message).endWaiting().build();
    }

    private static io.fabric8.kubernetes.api.model.ContainerState terminated(ContainerState s, String message) {
        int code = s.exitCode() == null ? 137 : s.exitCode();
        return new ContainerStateBuilder().withNewTerminated()
                .withContainerID("runc://" + s.id())
                .withExitCode(code)
                .withReason(s.oomKilled() ? "OOMKilled" : s.exitCode() == null ? "Unknown"
                        : code == 0 ? "Completed" : "Error")
                .withMessage(message)
                .withStartedAt(time(s.startedAt()))
                .withFinishedAt(time(s.finishedAt()))
                .endTerminated().build();
    }

    private static String time(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static PodCondition condition(List<PodCondition> old, String type, boolean on, String reason, String time) {
        String status = on ? "True" : "False";
        String transition = old.stream().filter(c -> c.getType().equals(type) && status.equals(c.getStatus()))
                .map(PodCondition::getLastTransitionTime).filter(Objects::nonNull).findFirst().orElse(time);
        return new PodConditionBuilder().withType(type).withStatus(status).withReason(reason)
                .withLastTransitionTime(transition).withLastProbeTime(null).build();
    }
}
