package io.berth.node.status;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the node is made of, read from the machine once at start ({@link #read}) plus the pressure signals read at
 * every status check ({@link Pressure#read}).
 *
 * @param cpuCores          processors available to the agent
 * @param memoryBytes       MemTotal
 * @param storageBytes      the size of the filesystem holding the agent's state (ephemeral-storage)
 * @param kernelVersion     {@code uname -r}
 * @param osImage           PRETTY_NAME from /etc/os-release
 * @param architecture      {@code amd64}, {@code arm64}, ... (Go's names, as Kubernetes reports them)
 * @param machineId         /etc/machine-id
 * @param bootId            /proc/sys/kernel/random/boot_id
 * @param runtimeVersion    {@code runc://<version>}
 */
public record MachineInfo(int cpuCores, long memoryBytes, long storageBytes, String kernelVersion, String osImage,
                          String architecture, String machineId, String bootId, String runtimeVersion) {

    /** Reads this machine; {@code stateDir} names the filesystem for ephemeral-storage, {@code runc} the binary. */
    public static MachineInfo read(Path stateDir, String runc) {
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), meminfo().getOrDefault("MemTotal", 0L),
                storage(stateDir)[0], firstLine(Path.of("/proc/sys/kernel/osrelease"), System.getProperty("os.version")),
                readOsImage(), goArch(System.getProperty("os.arch")), firstLine(Path.of("/etc/machine-id"), ""),
                firstLine(Path.of("/proc/sys/kernel/random/boot_id"), ""), "runc://" + runcVersion(runc));
    }

    /** Go's GOARCH for a JVM {@code os.arch}. */
    static String goArch(String jvmArch) {
        return switch (jvmArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            default -> jvmArch;
        };
    }

    /**
     * The kubelet's eviction signals, compared with its default hard thresholds: memory.available &lt; 100Mi,
     * nodefs.available &lt; 10%, and (Berth's) fewer than 10% of the kernel's pids free.
     */
    public record Pressure(boolean memory, boolean disk, boolean pid) {

        public static Pressure read(Path stateDir) {
            long available = meminfo().getOrDefault("MemAvailable", Long.MAX_VALUE);
            long[] fs = storage(stateDir);
            boolean disk = fs[0] > 0 && fs[1] * 10 < fs[0];
            long pidMax = parseLong(firstLine(Path.of("/proc/sys/kernel/pid_max"), "0"));
            long pids;
            try (Stream<Path> s = Files.list(Path.of("/proc"))) {
                pids = s.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).count();
            } catch (IOException e) {
                pids = 0;
            }
            return new Pressure(available < 100L * 1024 * 1024, disk, pidMax > 0 && pids * 10 > pidMax * 9);
        }
    }

    static Map<String, Long> meminfo() {
        try {
            Map<String, Long> values = new java.util.HashMap<>();
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.UTF_8)) {
                String[] parts = line.split("[:\\s]+");
                if (parts.length >= 2) {
                    long v = parseLong(parts[1]);
                    values.put(parts[0], parts.length >= 3 && parts[2].equals("kB") ? v * 1024 : v);
                }
            }
            return values;
        } catch (IOException e) {
            return Map.of();
        }
    }

    /** {total, usable} bytes of the filesystem holding {@code dir} (or its nearest existing parent). */
    static long[] storage(Path dir) {
        Path p = dir.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        try {
            FileStore store = Files.getFileStore(p == null ? Path.of("/") : p);
            return new long[] {store.getTotalSpace(), store.getUsableSpace()};
        } catch (IOException e) {
            return new long[] {0, 0};
        }
    }

    private static String readOsImage() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"), StandardCharsets.UTF_8)) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring("PRETTY_NAME=".length()).replace("\"", "");
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "Linux";
    }

    /** {@code runc --version}'s version ({@code runc version 1.1.5+ds1} → {@code 1.1.5+ds1}), or {@code unknown}. */
    static String runcVersion(String runc) {
        try {
            Process p = new ProcessBuilder(runc, "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return parseRuncVersion(out);
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    static String parseRuncVersion(String output) {
        List<String> lines = output.lines().toList();
        for (String line : lines) {
            if (line.startsWith("runc version ")) {
                return line.substring("runc version ".length()).strip();
            }
        }
        return "unknown";
    }

    private static String firstLine(Path file, String fallback) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return lines.isEmpty() ? fallback : lines.get(0).strip();
        } catch (IOException e) {
            return fallback;
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
