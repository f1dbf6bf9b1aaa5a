package io.berth.node.runtime;

import io.berth.apimachinery.json.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * Berth's {@code RuntimeDefault} seccomp profile: allow by default, refuse a deny list with {@code EPERM}.
 *
 * <p>Why a deny list rather than Docker's allow list: it is short enough to review, keeps every ordinary program
 * working, and closes the calls container escapes and kernel exploits lean on: loading code into the kernel
 * ({@code init_module}, {@code finit_module}, {@code kexec_load}, {@code bpf}), changing the mount table or leaving
 * the container's namespaces ({@code mount}, {@code umount2}, {@code pivot_root}, {@code unshare}, {@code setns}),
 * the kernel keyring, which is not namespaced ({@code keyctl}, {@code add_key}, {@code request_key}), tracing and
 * profiling other processes ({@code ptrace}, {@code perf_event_open}), file handles that walk out of a mount
 * ({@code open_by_handle_at}), {@code userfaultfd} (a race-widening primitive), and host-wide switches
 * ({@code reboot}, {@code swapon}, {@code swapoff}, clocks, accounting, I/O ports). Most need a capability a
 * container does not get anyway; the profile is the second wall when one is granted.
 */
public final class SeccompProfile {

    /** The refused calls (unknown names on an architecture are skipped by runc). */
    public static final List<String> DENIED = List.of(
            "acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "create_module", "delete_module",
            "finit_module", "get_kernel_syms", "init_module", "ioperm", "iopl", "kexec_file_load", "kexec_load",
            "keyctl", "lookup_dcookie", "mount", "move_mount", "fsopen", "fsmount", "fsconfig", "open_tree",
            "nfsservctl", "open_by_handle_at", "perf_event_open", "pivot_root", "ptrace", "query_module",
            "quotactl", "reboot", "request_key", "setns", "settimeofday", "swapoff", "swapon", "sysfs", "_sysctl",
            "umount", "umount2", "unshare", "uselib", "userfaultfd", "ustat", "vm86", "vm86old");

    private static final int EPERM = 1;

    private SeccompProfile() {
    }

    /** The profile as the {@code linux.seccomp} object of an OCI config, for this machine's architecture. */
    public static ObjectNode runtimeDefault() {
        ObjectNode seccomp = Json.object();
        seccomp.put("defaultAction", "SCMP_ACT_ALLOW");
        ArrayNode arch = seccomp.putArray("architectures");
        architectures().forEach(arch::add);
        ObjectNode rule = seccomp.putArray("syscalls").addObject();
        ArrayNode names = rule.putArray("names");
        DENIED.forEach(names::add);
        rule.put("action", "SCMP_ACT_ERRNO");
        rule.put("errnoRet", EPERM);
        return seccomp;
    }

    /** The native architecture and the compat ones a process may switch to (a filter must cover them too). */
    static List<String> architectures() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "aarch64", "arm64" -> List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM");
            case "amd64", "x86_64" -> List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
            default -> List.of();
        };
    }
}
