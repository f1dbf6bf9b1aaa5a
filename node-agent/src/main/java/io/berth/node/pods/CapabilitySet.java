package io.berth.node.pods;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A container's capability set, computed as containerd and CRI-O do: the runtime default set, then
 * {@code add: [ALL]} (every capability), then {@code drop: [ALL]} (none), then each added name, then each dropped
 * name; so a capability both added and dropped by name is dropped. Names are accepted with or without
 * {@code CAP_}, in any case.
 */
final class CapabilitySet {

    /** Every capability Linux knows (up to 5.9's CAP_CHECKPOINT_RESTORE), in number order. */
    static final List<String> ALL = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
            "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
            "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
            "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
            "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
            "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE");

    /** containerd's and CRI-O's default set for unprivileged containers. */
    static final Set<String> DEFAULT = Set.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
            "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
            "CAP_AUDIT_WRITE");

    private CapabilitySet() {
    }

    /** The set for an unprivileged container with {@code add} and {@code drop} (either may be null). */
    static Set<String> of(Collection<String> add, Collection<String> drop) {
        Set<String> caps = new LinkedHashSet<>(DEFAULT);
        List<String> added = add == null ? List.of() : List.copyOf(add);
        List<String> dropped = drop == null ? List.of() : List.copyOf(drop);
        if (added.stream().anyMatch(CapabilitySet::isAll)) {
            caps.addAll(ALL);
        }
        if (dropped.stream().anyMatch(CapabilitySet::isAll)) {
            caps.clear();
        }
        for (String name : added) {
            if (!isAll(name)) {
                String cap = canonical(name);
                if (!ALL.contains(cap)) {
                    // runc would refuse the bundle; say so before anything is created
                    throw ContainerPlanFailure.create("unknown capability \"" + name + "\"");
                }
                caps.add(cap);
            }
        }
        for (String name : dropped) {
            if (!isAll(name)) {
                // dropping a capability nobody has is harmless, as in containerd
                caps.remove(canonical(name));
            }
        }
        return ordered(caps);
    }

    /** Every capability, for privileged containers. */
    static Set<String> all() {
        return ordered(ALL);
    }

    private static boolean isAll(String name) {
        return name.equalsIgnoreCase("ALL");
    }

    private static String canonical(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return upper.startsWith("CAP_") ? upper : "CAP_" + upper;
    }

    private static Set<String> ordered(Collection<String> caps) {
        Set<String> out = new LinkedHashSet<>();
        for (String cap : ALL) {
            if (caps.contains(cap)) {
                out.add(cap);
            }
        }
        return java.util.Collections.unmodifiableSet(out);
    }
}
