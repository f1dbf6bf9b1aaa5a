package io.berth.node.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The node's container runtime: pod sandboxes (network, IPC, UTS and optionally PID namespaces, the pod's cgroup)
 * and containers inside them, each owned by a conmon process that runs {@code runc}. Containers outlive the agent:
 * {@link #listContainers()} and {@link #listSandboxes()} find them again after a restart.
 *
 * <p>Every method is idempotent on its ids (creating what exists returns it, removing what is gone succeeds) and
 * thread safe; calls for different pods may run at once. Failures are {@link RuntimeFailure}s whose message says
 * what failed in words a pod's owner can read.
 */
public interface ContainerRuntime {

    /**
     * Creates the pod's sandbox, or returns it if it exists.
     *
     * @throws NetworkNotReady when the pod needs an address and the node's pod network cannot give one yet (the
     *                         caller waits and asks again)
     */
    Sandbox runSandbox(SandboxConfig config);

    /** Every sandbox this runtime holds (after a restart: the ones it created before). */
    List<Sandbox> listSandboxes();

    /** Tears the sandbox down: its namespaces, veth and address, its cgroup. Containers must be removed first. */
    void removeSandbox(String podUid);

    /**
     * Creates and starts a container in {@code sandbox} under conmon; returns once runc started it (its process
     * runs) or throws. A container whose id exists is an error the caller avoids by choosing fresh ids.
     */
    ContainerState startContainer(Sandbox sandbox, ContainerPlan plan);

    /** The container's state now; empty when the runtime knows no such container. */
    Optional<ContainerState> inspect(String containerId);

    /** Every container under this runtime's root, including ones it did not create (see {@link ContainerState#labels()}). */
    List<ContainerState> listContainers();

    /** Sends {@code signal} (e.g. {@code "TERM"}, {@code "KILL"}) to the container's init process. */
    void signal(String containerId, String signal);

    /** Removes a stopped container (runc state, bundle); kills it first when {@code force}. Logs are kept. */
    void removeContainer(String containerId, boolean force);

    /**
     * Has the container's log writer close its log file and open it again at the same path (the CRI's
     * ReopenContainerLog), after the file was renamed away by rotation.
     */
    void reopenLog(String containerId);

    /**
     * Processes inside this runtime's pod cgroups that belong to none of its containers: pids in a pod's own cgroup
     * (beside its containers' cgroups, other than the pod's pause process) or in the cgroup of a pod it has no
     * sandbox for. Someone put them there by hand.
     */
    default List<Long> unmanagedProcesses() {
        return List.of();
    }

    /** Runs {@code command} in the running container ({@code runc exec}), waits at most {@code timeout}. */
    ExecResult exec(String containerId, List<String> command, Duration timeout);

    /**
     * Starts {@code command} in the running container and hands back its process, for streaming exec: stdin,
     * stdout and stderr are the process's streams (with {@code tty}, one stream, stdout).
     */
    Process execStreaming(String containerId, List<String> command, boolean tty);
}
