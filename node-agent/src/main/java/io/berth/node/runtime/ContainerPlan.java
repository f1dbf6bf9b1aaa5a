package io.berth.node.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything needed to write one container's OCI bundle; made from the PodSpec by the pod worker, turned into
 * {@code config.json} by the runtime. Every value is already resolved (env expanded, images unpacked).
 *
 * @param id               the runc container id (unique per run: a restart gets a new id)
 * @param rootfs           the root filesystem, prepared by the image store (bind mounts of the host, or an overlay)
 * @param readOnlyRootfs   {@code readOnlyRootFilesystem}
 * @param args             the process's argv (command + args, {@code $(VAR)} expanded)
 * @param env              {@code NAME=value} entries, in order
 * @param workingDir       the process's cwd ({@code /} when unset)
 * @param uid              {@code runAsUser} (0 when unset and the image names none)
 * @param gid              {@code runAsGroup}
 * @param supplementalGroups extra groups ({@code fsGroup}, {@code supplementalGroups})
 * @param capabilities     the capability set (bounding, effective, permitted), e.g. {@code CAP_CHOWN}; with
 *                         {@code privileged}, every capability
 * @param noNewPrivileges  {@code allowPrivilegeEscalation: false} → the process gets no_new_privs
 * @param privileged       all capabilities, devices, no seccomp, writable /sys
 * @param seccompRuntimeDefault apply the runtime's default seccomp profile
 * @param mounts           volume and service mounts in order (beyond the standard /proc, /dev, /sys ones)
 * @param logPath          the CRI-format log file conmon writes
 * @param memoryLimitBytes cgroup memory limit, 0 for none
 * @param cpuQuotaMicros   CFS quota per {@link #cpuPeriodMicros}, 0 for none
 * @param cpuPeriodMicros  CFS period (100000)
 * @param cpuShares        cpu.shares from the cpu request (2 when none)
 * @param pidsLimit        pids.max, 0 for none
 * @param annotations      written into the bundle and read back as {@link ContainerState#labels()}
 */
public record ContainerPlan(
        String id,
        Path rootfs,
        boolean readOnlyRootfs,
        List<String> args,
        List<String> env,
        String workingDir,
        long uid,
        long gid,
        List<Long> supplementalGroups,
        Set<String> capabilities,
        boolean noNewPrivileges,
        boolean privileged,
        boolean seccompRuntimeDefault,
        List<Mount> mounts,
        Path logPath,
        long memoryLimitBytes,
        long cpuQuotaMicros,
        long cpuPeriodMicros,
        long cpuShares,
        long pidsLimit,
        Map<String, String> annotations) {

    /**
     * A mount in the container.
     *
     * @param destination the path inside the container (the volume's literal {@code mountPath})
     * @param source      the host path (for {@code bind}) or the filesystem name
     * @param type        {@code bind}, {@code tmpfs}, ...
     * @param options     mount options ({@code rbind}, {@code ro}, {@code nosuid}, ...)
     */
    public record Mount(String destination, String source, String type, List<String> options) {
    }
}
