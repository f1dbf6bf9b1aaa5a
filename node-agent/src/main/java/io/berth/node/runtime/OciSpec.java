package io.berth.node.runtime;

import io.berth.apimachinery.json.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A container's OCI runtime configuration ({@code config.json}) from its {@link ContainerPlan} and its pod's
 * {@link Sandbox}. A pure function: no file system, no processes.
 *
 * <p>What it writes, and why where it differs from {@code runc spec}:
 * <ul>
 *   <li>process: the plan's argv, env (plus a default {@code PATH} when the plan has none, as CRI-O adds one: without
 *       it runc cannot find a bare command name), cwd, uid/gid/additional gids; capabilities bounding = effective =
 *       permitted = the plan's set and ambient empty (a non-root process then keeps none across exec, which is
 *       Kubernetes' behaviour; root keeps its bounded set by exec rules); {@code noNewPrivileges}.</li>
 *   <li>mounts: /proc, /dev (tmpfs), /dev/pts, /dev/shm (the pod's shared tmpfs when the sandbox has one, so its
 *       containers share POSIX shared memory as they share the IPC namespace), /dev/mqueue, /sys (read-only unless
 *       privileged), then the plan's mounts in order. Never {@code /sys/fs/cgroup}: runc cannot mount it on this
 *       machine kind (hybrid cgroup v1).</li>
 *   <li>namespaces: network, IPC and UTS joined from the sandbox (no network entry with host networking: the
 *       container stays in the host's), PID joined when the pod shares one, else new (the container's process is
 *       PID 1), mount always new.</li>
 *   <li>resources: devices deny-all (runc adds its default device allow-list) or allow-all when privileged; memory
 *       limit, CFS quota/period and shares, pids limit when set.</li>
 *   <li>masked and read-only paths as runc's default spec has them; a {@link SeccompProfile#runtimeDefault()
 *       RuntimeDefault} seccomp profile when asked for. Privileged: every capability the runtime holds, writable
 *       /sys, no masked or read-only paths, no seccomp.</li>
 * </ul>
 */
public final class OciSpec {

    /** Every capability runc 1.1 knows, in kernel order (index = capability number). */
    public static final List<String> ALL_CAPABILITIES = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
            "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
            "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
            "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
            "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
            "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE");

    /** runc's default masked paths (spec default, 1.1). */
    public static final List<String> MASKED_PATHS = List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
            "/proc/scsi");

    /** runc's default read-only paths (spec default, 1.1). */
    public static final List<String> READONLY_PATHS = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
            "/proc/sysrq-trigger");

    static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** The annotation the runtime adds to every bundle: the pod uid of the container's sandbox. */
    public static final String SANDBOX_ANNOTATION = "io.berth.runtime.sandbox";

    private OciSpec() {
    }

    /**
     * The {@code config.json} of {@code plan} in {@code sandbox}.
     *
     * @param hostname the pod's host name, or null to leave the joined UTS namespace's as it is
     * @param podShm   the pod's shared {@code /dev/shm} directory, or null for a tmpfs of the container's own
     * @param privilegedCapabilities what "every capability" is for a privileged container: the runtime's own
     *                 bounding set ({@link #boundingCapabilities()}), as containerd does, since runc cannot grant a
     *                 capability it does not hold
     */
    public static ObjectNode build(ContainerPlan plan, Sandbox sandbox, String hostname, Path podShm,
                                   List<String> privilegedCapabilities) {
        ObjectNode config = Json.object();
        config.put("ociVersion", "1.0.2");
        config.set("process", process(plan, privilegedCapabilities));
        ObjectNode root = config.putObject("root");
        root.put("path", plan.rootfs().toAbsolutePath().toString());
        root.put("readonly", plan.readOnlyRootfs());
        if (hostname != null && !hostname.isEmpty()) {
            config.put("hostname", hostname);
        }
        config.set("mounts", mounts(plan, podShm));
        Map<String, String> annotations = new TreeMap<>(plan.annotations() == null ? Map.of() : plan.annotations());
        annotations.put(SANDBOX_ANNOTATION, sandbox.podUid());
        ObjectNode a = config.putObject("annotations");
        annotations.forEach(a::put);
        config.set("linux", linux(plan, sandbox));
        return config;
    }

    /** The capabilities in this process's bounding set ({@code CapBnd} of {@code /proc/self/status}), by name. */
    public static List<String> boundingCapabilities() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapBnd:")) {
                    long bits = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                    List<String> caps = new ArrayList<>();
                    for (int i = 0; i < ALL_CAPABILITIES.size(); i++) {
                        if ((bits & (1L << i)) != 0) {
                            caps.add(ALL_CAPABILITIES.get(i));
                        }
                    }
                    return List.copyOf(caps);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or an odd /proc: claim everything and let runc say what it cannot grant
        }
        return ALL_CAPABILITIES;
    }

    private static ObjectNode process(ContainerPlan plan, List<String> privilegedCapabilities) {
        ObjectNode p = Json.object();
        p.put("terminal", false);
        ObjectNode user = p.putObject("user");
        user.put("uid", plan.uid());
        user.put("gid", plan.gid());
        if (plan.supplementalGroups() != null && !plan.supplementalGroups().isEmpty()) {
            ArrayNode gids = user.putArray("additionalGids");
            plan.supplementalGroups().forEach(gids::add);
        }
        strings(p.putArray("args"), plan.args());
        List<String> env = new ArrayList<>(plan.env() == null ? List.of() : plan.env());
        if (env.stream().noneMatch(e -> e.startsWith("PATH="))) {
            env.add(0, DEFAULT_PATH);
        }
        strings(p.putArray("env"), env);
        p.put("cwd", plan.workingDir() == null || plan.workingDir().isEmpty() ? "/" : plan.workingDir());
        Collection<String> caps = plan.privileged() ? privilegedCapabilities
                : plan.capabilities() == null ? List.of() : plan.capabilities().stream().sorted().toList();
        ObjectNode c = p.putObject("capabilities");
        strings(c.putArray("bounding"), caps);
        strings(c.putArray("effective"), caps);
        strings(c.putArray("permitted"), caps);
        c.putArray("ambient");
        p.put("noNewPrivileges", plan.noNewPrivileges());
        return p;
    }

    private static ArrayNode mounts(ContainerPlan plan, Path podShm) {
        ArrayNode m = Json.mapper().createArrayNode();
        m.add(mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")));
        m.add(mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")));
        m.add(mount("/dev/pts", "devpts", "devpts",
                List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")));
        if (podShm != null) {
            m.add(mount("/dev/shm", "bind", podShm.toAbsolutePath().toString(),
                    List.of("rbind", "nosuid", "noexec", "nodev")));
        } else {
            m.add(mount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")));
        }
        m.add(mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")));
        m.add(mount("/sys", "sysfs", "sysfs",
                List.of("nosuid", "noexec", "nodev", plan.privileged() ? "rw" : "ro")));
        if (plan.mounts() != null) {
            for (ContainerPlan.Mount mount : plan.mounts()) {
                m.add(mount(mount.destination(), mount.type(), mount.source(),
                        mount.options() == null ? List.of() : mount.options()));
            }
        }
        return m;
    }

    private static ObjectNode mount(String destination, String type, String source, List<String> options) {
        ObjectNode m = Json.object();
        m.put("destination", destination);
        m.put("type", type);
        m.put("source", source);
        strings(m.putArray("options"), options);
        return m;
    }

    private static ObjectNode linux(ContainerPlan plan, Sandbox sandbox) {
        ObjectNode linux = Json.object();
        ArrayNode ns = linux.putArray("namespaces");
        ns.add(namespace("pid", sandbox.pidns()));
        if (sandbox.netns() != null) {
            ns.add(namespace("network", sandbox.netns()));
        }
        ns.add(namespace("ipc", sandbox.ipcns()));
        ns.add(namespace("uts", sandbox.utsns()));
        ns.add(namespace("mount", null));
        linux.put("cgroupsPath", sandbox.cgroupsPath() + "/" + plan.id());
        linux.set("resources", resources(plan));
        if (!plan.privileged()) {
            strings(linux.putArray("maskedPaths"), MASKED_PATHS);
            strings(linux.putArray("readonlyPaths"), READONLY_PATHS);
            if (plan.seccompRuntimeDefault()) {
                linux.set("seccomp", SeccompProfile.runtimeDefault());
            }
        }
        return linux;
    }

    private static ObjectNode namespace(String type, Path path) {
        ObjectNode n = Json.object();
        n.put("type", type);
        if (path != null) {
            n.put("path", path.toAbsolutePath().toString());
        }
        return n;
    }

    private static ObjectNode resources(ContainerPlan plan) {
        ObjectNode r = Json.object();
        ObjectNode device = r.putArray("devices").addObject();
        device.put("allow", plan.privileged());
        device.put("access", "rwm");
        if (plan.memoryLimitBytes() > 0) {
            r.putObject("memory").put("limit", plan.memoryLimitBytes());
        }
        if (plan.cpuShares() > 0 || plan.cpuQuotaMicros() > 0) {
            ObjectNode cpu = r.putObject("cpu");
            if (plan.cpuShares() > 0) {
                cpu.put("shares", plan.cpuShares());
            }
            if (plan.cpuQuotaMicros() > 0) {
                cpu.put("quota", plan.cpuQuotaMicros());
                cpu.put("period", plan.cpuPeriodMicros() > 0 ? plan.cpuPeriodMicros() : 100_000);
            }
        }
        if (plan.pidsLimit() > 0) {
            r.putObject("pids").put("limit", plan.pidsLimit());
        }
        return r;
    }

    private static void strings(ArrayNode array, Collection<String> values) {
        if (values != null) {
            values.forEach(array::add);
        }
    }
}
