package io.berth.apimachinery.table;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pod row kubectl users know: READY {@code 1/2}, STATUS computed from the phase, container states, init
 * containers ({@code Init:1/3}, {@code Init:CrashLoopBackOff}) and deletion ({@code Terminating}), RESTARTS with
 * the time of the last restart. Follows Kubernetes' {@code printPod}.
 */
final class PodPrinter {

    private PodPrinter() {
    }

    static List<Object> cells(Pod pod, Instant now) {
        PodSpec spec = pod.getSpec() == null ? new PodSpec() : pod.getSpec();
        PodStatus status = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
        List<Container> inits = list(spec.getInitContainers());
        int totalContainers = list(spec.getContainers()).size();
        int readyContainers = 0;
        int restarts = 0;
        int sidecarRestarts = 0;
        Instant lastRestart = null;
        Instant lastSidecarRestart = null;

        String phase = str(status.getPhase());
        String reason = !str(status.getReason()).isEmpty() ? status.getReason() : phase;
        for (PodCondition c : list(status.getConditions())) {
            if ("PodScheduled".equals(c.getType()) && "SchedulingGated".equals(c.getReason())) {
                reason = "SchedulingGated";
            }
        }
        Map<String, Container> initByName = new HashMap<>();
        for (Container c : inits) {
            initByName.put(c.getName(), c);
            if (isSidecar(c)) {
                totalContainers++;
            }
        }

        boolean initializing = false;
        List<ContainerStatus> initStatuses = list(status.getInitContainerStatuses());
        for (int i = 0; i < initStatuses.size(); i++) {
            ContainerStatus cs = initStatuses.get(i);
            restarts += num(cs.getRestartCount());
            lastRestart = later(lastRestart, finishedAt(cs.getLastState()));
            boolean sidecar = isSidecar(initByName.get(cs.getName()));
            if (sidecar) {
                sidecarRestarts += num(cs.getRestartCount());
                lastSidecarRestart = later(lastSidecarRestart, finishedAt(cs.getLastState()));
            }
            ContainerState state = cs.getState() == null ? new ContainerState() : cs.getState();
            ContainerStateTerminated terminated = state.getTerminated();
            if (terminated != null && num(terminated.getExitCode()) == 0) {
                continue;
            } else if (sidecar && Boolean.TRUE.equals(cs.getStarted())) {
                if (Boolean.TRUE.equals(cs.getReady())) {
                    readyContainers++;
                }
                continue;
            } else if (terminated != null) {
                if (str(terminated.getReason()).isEmpty()) {
                    reason = num(terminated.getSignal()) != 0 ? "Init:Signal:" + terminated.getSignal()
                            : "Init:ExitCode:" + num(terminated.getExitCode());
                } else {
                    reason = "Init:" + terminated.getReason();
                }
            } else if (state.getWaiting() != null && !str(state.getWaiting().getReason()).isEmpty()
                    && !"PodInitializing".equals(state.getWaiting().getReason())) {
                reason = "Init:" + state.getWaiting().getReason();
            } else {
                reason = "Init:" + i + "/" + inits.size();
            }
            initializing = true;
            break;
        }

        if (!initializing || conditionTrue(status, "Initialized")) {
            restarts = sidecarRestarts;
            lastRestart = lastSidecarRestart;
            boolean hasRunning = false;
            List<ContainerStatus> statuses = list(status.getContainerStatuses());
            for (int i = statuses.size() - 1; i >= 0; i--) {
                ContainerStatus cs = statuses.get(i);
                restarts += num(cs.getRestartCount());
                lastRestart = later(lastRestart, finishedAt(cs.getLastState()));
                ContainerState state = cs.getState() == null ? new ContainerState() : cs.getState();
                if (state.getWaiting() != null && !str(state.getWaiting().getReason()).isEmpty()) {
                    reason = state.getWaiting().getReason();
                } else if (state.getTerminated() != null && !str(state.getTerminated().getReason()).isEmpty()) {
                    reason = state.getTerminated().getReason();
                } else if (state.getTerminated() != null) {
                    ContainerStateTerminated t = state.getTerminated();
                    reason = num(t.getSignal()) != 0 ? "Signal:" + t.getSignal() : "ExitCode:" + num(t.getExitCode());
                } else if (Boolean.TRUE.equals(cs.getReady()) && state.getRunning() != null) {
                    hasRunning = true;
                    readyContainers++;
                }
            }
            if ("Completed".equals(reason) && hasRunning) {
                reason = conditionTrue(status, "Ready") ? "Running" : "NotReady";
            }
        }

        boolean deleting = pod.getMetadata() != null && pod.getMetadata().getDeletionTimestamp() != null;
        if (deleting && "NodeLost".equals(status.getReason())) {
            reason = "Unknown";
        } else if (deleting && !phase.equals("Succeeded") && !phase.equals("Failed")) {
            reason = "Terminating";
        }

        String restartsText = String.valueOf(restarts);
        if (restarts != 0 && lastRestart != null) {
            restartsText = restarts + " (" + HumanDuration.format(java.time.Duration.between(lastRestart, now)) + " ago)";
        }

        List<Object> cells = new ArrayList<>();
        cells.add(pod.getMetadata() == null ? "" : str(pod.getMetadata().getName()));
        cells.add(readyContainers + "/" + totalContainers);
        cells.add(reason);
        cells.add(restartsText);
        cells.add(HumanDuration.since(pod.getMetadata() == null ? null : pod.getMetadata().getCreationTimestamp(), now));
        String podIP = status.getPodIPs() != null && !status.getPodIPs().isEmpty()
                ? str(status.getPodIPs().get(0).getIp()) : str(status.getPodIP());
        cells.add(orNone(podIP));
        cells.add(orNone(str(spec.getNodeName())));
        cells.add(orNone(str(status.getNominatedNodeName())));
        cells.add(readinessGates(spec, status));
        return cells;
    }

    private static String readinessGates(PodSpec spec, PodStatus status) {
        List<PodReadinessGate> gates = list(spec.getReadinessGates());
        if (gates.isEmpty()) {
            return "<none>";
        }
        int trueConditions = 0;
        for (PodReadinessGate gate : gates) {
            for (PodCondition c : list(status.getConditions())) {
                if (str(c.getType()).equals(gate.getConditionType())) {
                    if ("True".equals(c.getStatus())) {
                        trueConditions++;
                    }
                    break;
                }
            }
        }
        return trueConditions + "/" + gates.size();
    }

    private static boolean isSidecar(Container c) {
        return c != null && "Always".equals(c.getRestartPolicy());
    }

    private static boolean conditionTrue(PodStatus status, String type) {
        return list(status.getConditions()).stream()
                .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static Instant finishedAt(ContainerState lastState) {
        if (lastState == null || lastState.getTerminated() == null) {
            return null;
        }
        return HumanDuration.parse(lastState.getTerminated().getFinishedAt());
    }

    private static Instant later(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b != null && b.isAfter(a) ? b : a;
    }

    private static String orNone(String s) {
        return s.isEmpty() ? "<none>" : s;
    }

    static String str(String s) {
        return s == null ? "" : s;
    }

    private static int num(Integer i) {
        return i == null ? 0 : i;
    }

    static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }
}
