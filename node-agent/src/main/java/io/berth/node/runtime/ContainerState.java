package io.berth.node.runtime;

import java.time.Instant;
import java.util.Map;

/**
 * A container as the runtime sees it.
 *
 * @param id         the runc container id
 * @param status     {@code created}, {@code running}, {@code stopped} (runc's words), or {@code unknown}
 * @param pid        its init process on the host, 0 when not running
 * @param exitCode   the exit code from conmon's exit file once stopped, else null
 * @param startedAt  when its process started, if known
 * @param finishedAt when it stopped (the exit file's time), if known
 * @param labels     the annotations the agent put into its bundle ({@code io.berth.pod.uid},
 *                   {@code io.berth.container.name}, ...); empty for a container the agent did not create
 * @param oomKilled  stopped, and the kernel's OOM killer struck in its memory cgroup (conmon's {@code oom} file)
 */
public record ContainerState(String id, String status, long pid, Integer exitCode, Instant startedAt,
                             Instant finishedAt, Map<String, String> labels, boolean oomKilled) {

    /** A container the OOM killer did not touch. */
    public ContainerState(String id, String status, long pid, Integer exitCode, Instant startedAt, Instant finishedAt,
                          Map<String, String> labels) {
        this(id, status, pid, exitCode, startedAt, finishedAt, labels, false);
    }

    public boolean running() {
        return "running".equals(status);
    }
}
