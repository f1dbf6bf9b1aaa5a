package io.berth.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Where the CPU went during a measurement: the CPU time of each process the cluster harness started (children of
 * this JVM, named by their command line), of this JVM (the load-generating clients), and how busy the whole machine
 * was ({@code /proc/stat}), so that time taken by processes outside the run shows. For the progress log, not the
 * table: on a shared machine it tells a slow server from a starved one.
 */
final class CpuUsage {

    /** Linux reports /proc/stat in USER_HZ ticks, 100 a second on every common configuration. */
    private static final double TICKS_PER_SECOND = 100;

    private final long wall;
    private final Map<String, Duration> processes;
    private final long[] machine;  // busy, total ticks; null where /proc/stat is unreadable

    private CpuUsage(long wall, Map<String, Duration> processes, long[] machine) {
        this.wall = wall;
        this.processes = processes;
        this.machine = machine;
    }

    static CpuUsage take() {
        Map<String, Duration> cpu = new LinkedHashMap<>();
        ProcessHandle.current().children().forEach(child -> child.info().totalCpuDuration().ifPresent(d ->
                cpu.merge(component(child.info().commandLine().orElse("pid " + child.pid())), d, Duration::plus)));
        cpu.put("bench clients", ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO));
        return new CpuUsage(System.nanoTime(), cpu, machine());
    }

    /** e.g. {@code CPU in 15.0 s: gateway 9.1 s (6.2 ms per create), ...; machine 100% busy, 31% outside this run}. */
    String since(CpuUsage before, long operations, String operation) {
        double seconds = (wall - before.wall) / 1e9;
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "CPU in %.1f s:", seconds));
        double ours = 0;
        for (Map.Entry<String, Double> e : secondsSince(before).entrySet()) {
            double used = e.getValue();
            ours += used;
            out.append(String.format(Locale.ROOT, " %s %.1f s", e.getKey(), used));
            if (operations > 0) {
                out.append(String.format(Locale.ROOT, " (%.2f ms per %s)", used * 1000 / operations, operation));
            }
            out.append(',');
        }
        out.setLength(out.length() - 1);
        for (String name : before.processes.keySet()) {
            if (!processes.containsKey(name)) {
                out.append("; ").append(name).append(" EXITED during the measurement");
            }
        }
        if (machine != null && before.machine != null) {
            double busy = (machine[0] - before.machine[0]) / TICKS_PER_SECOND;
            double total = (machine[1] - before.machine[1]) / TICKS_PER_SECOND;
            if (total > 0) {
                out.append(String.format(Locale.ROOT, "; machine %.0f%% busy, %.0f%% of its CPU outside this run",
                        100 * busy / total, 100 * Math.max(0, busy - ours) / total));
            }
        }
        return out.toString();
    }

    /**
     * The CPU seconds each process used since {@code before}, by component ({@link #component}; this JVM is
     * {@code bench clients}), in the order they were found; a process that exited is left out.
     */
    Map<String, Double> secondsSince(CpuUsage before) {
        Map<String, Double> used = new LinkedHashMap<>();
        processes.forEach((name, cpu) -> used.put(name,
                (cpu.toNanos() - before.processes.getOrDefault(name, Duration.ZERO).toNanos()) / 1e9));
        return used;
    }

    /**
     * Waits until the cluster's processes (this JVM's children) use less than a quarter of a core over a second, or
     * {@code max} has passed: what one measurement left running (a backlog of requests, JIT compilation) should not
     * be billed to the next.
     *
     * @return how long it took
     */
    static Duration settle(Duration max) {
        long start = System.nanoTime();
        long end = start + max.toNanos();
        double used;
        do {
            long before = childrenCpuNanos();
            long t0 = System.nanoTime();
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            used = (childrenCpuNanos() - before) / (double) (System.nanoTime() - t0);
        } while (used > 0.25 && System.nanoTime() < end);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static long childrenCpuNanos() {
        return ProcessHandle.current().children()
                .mapToLong(child -> child.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
                .sum();
    }

    static String component(String commandLine) {
        for (String name : List.of("controller-service", "scheduler-service", "node-agent", "api-service", "gateway",
                "etcd")) {
            if (commandLine.contains(name)) {
                return name;
            }
        }
        return commandLine.length() > 40 ? commandLine.substring(0, 40) : commandLine;
    }

    private static long[] machine() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long user = Long.parseLong(f[1]);
            long nice = Long.parseLong(f[2]);
            long system = Long.parseLong(f[3]);
            long idle = Long.parseLong(f[4]);
            long iowait = Long.parseLong(f[5]);
            long irq = Long.parseLong(f[6]);
            long softirq = Long.parseLong(f[7]);
            long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
            long busy = user + nice + system + irq + softirq + steal;
            return new long[] {busy, busy + idle + iowait};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
