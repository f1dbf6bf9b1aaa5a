package io.berth.node.pods;

import io.berth.node.runtime.ContainerRuntime;
import io.berth.node.runtime.ContainerState;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The kubelet's blind spot, watched: every check compares what runc holds under the agent's runtime root, and what
 * the agent's pod cgroups hold, with what the agent created. Anything else (a container started by hand with
 * {@code runc --root <agent's root>}, a process written into a pod's cgroup, containers of pods this node no longer
 * runs) is reported as the Node condition {@value #CONDITION}{@code =True} naming each container id or pid and
 * command, with a Warning Event the first time each is seen; with action {@code kill} it is also stopped.
 * Not thread safe: run {@link #check} from one thread.
 */
public final class UnmanagedWorkloads {

    public static final String CONDITION = "UnmanagedWorkloads";
    private static final Logger log = LoggerFactory.getLogger(UnmanagedWorkloads.class);

    /** Records a Warning Event about the Node. */
    public interface NodeEvents {
        void warn(String reason, String message);
    }

    private final ContainerRuntime runtime;
    private final Supplier<Set<String>> knownPods;
    private final Consumer<NodeCondition> condition;
    private final NodeEvents events;
    private final boolean kill;
    private final Clock clock;
    private Set<String> reported = Set.of();

    public UnmanagedWorkloads(ContainerRuntime runtime, Supplier<Set<String>> knownPods,
                              Consumer<NodeCondition> condition, NodeEvents events, String action, Clock clock) {
        this.runtime = runtime;
        this.knownPods = knownPods;
        this.condition = condition;
        this.events = events;
        this.kill = "kill".equalsIgnoreCase(action);
        this.clock = clock;
    }

    /** One comparison; returns the strangers found (id or pid → description). */
    public Map<String, String> check() {
        Set<String> pods = knownPods.get();
        Map<String, String> strangers = new LinkedHashMap<>();
        List<String> containers = new ArrayList<>();
        for (ContainerState c : runtime.listContainers()) {
            String pod = c.labels().get(PodContext.POD_UID_LABEL);
            if (pod == null || !pods.contains(pod)) {
                String what = "container " + c.id() + (c.pid() > 0 ? " (pid " + c.pid() + ": " + command(c.pid()) + ")"
                        : " (" + c.status() + ")");
                strangers.put(c.id(), what);
                containers.add(c.id());
            }
        }
        for (long pid : runtime.unmanagedProcesses()) {
            strangers.put("pid " + pid, "process " + pid + " (" + command(pid) + ") in a pod cgroup");
        }
        for (Map.Entry<String, String> e : strangers.entrySet()) {
            if (!reported.contains(e.getKey())) {
                log.warn("unmanaged workload on this node: {}", e.getValue());
                events.warn("UnmanagedWorkload", e.getValue() + " was not started by this node agent"
                        + (kill ? "; stopping it" : ""));
            }
        }
        reported = Set.copyOf(strangers.keySet());
        String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        condition.accept(new NodeConditionBuilder().withType(CONDITION)
                .withStatus(strangers.isEmpty() ? "False" : "True")
                .withReason(strangers.isEmpty() ? "NoUnmanagedWorkloads" : "UnmanagedWorkloadsFound")
                .withMessage(strangers.isEmpty() ? "every container on this node belongs to a pod"
                        : String.join("; ", strangers.values()))
                .withLastHeartbeatTime(now).withLastTransitionTime(now).build());
        if (kill) {
            for (String id : containers) {
                try {
                    runtime.removeContainer(id, true);
                } catch (RuntimeException e) {
                    log.warn("could not stop unmanaged container {}: {}", id, e.getMessage());
                }
            }
            for (String key : strangers.keySet()) {
                if (key.startsWith("pid ")) {
                    ProcessHandle.of(Long.parseLong(key.substring(4))).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
        return strangers;
    }

    /** A process's command line, as {@code ps} shows it. */
    static String command(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            String s = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
            return s.isEmpty() ? "?" : s.length() > 200 ? s.substring(0, 200) + "..." : s;
        } catch (IOException e) {
            return "?";
        }
    }

}
