package io.berth.bench;

import io.berth.testkit.ClusterHarness;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code bin/berth bench [NAME...]}: runs the named benchmarks (all when none is named), in the order given, against
 * one cluster (started anew only when it stops answering), and prints an environment note and one Markdown table
 * (ARCHITECTURE.md, "Tests") on standard output; progress goes to standard error. A benchmark that fails prints its
 * headline row with the reason as the value.
 * Exit status: 0 when the table was printed (whether goals were met or not), 2 for a usage error.
 */
public final class BenchMain {

    private static final Map<String, Supplier<Benchmark>> BENCHMARKS = new LinkedHashMap<>();

    static {
        BENCHMARKS.put(PodCreate.NAME, PodCreate::new);
        BENCHMARKS.put(WatchFanout.NAME, WatchFanout::new);
        BENCHMARKS.put(ApiLatency.NAME, ApiLatency::new);
        BENCHMARKS.put(GatewayOverhead.NAME, GatewayOverhead::new);
        BENCHMARKS.put(SimulatedLeases.NAME, SimulatedLeases::new);
        BENCHMARKS.put(SchedulingThroughput.BASIC, SchedulingThroughput::basic);
        BENCHMARKS.put(SchedulingThroughput.SPREAD, SchedulingThroughput::spread);
        BENCHMARKS.put(Deployments.NAME, Deployments::new);
        BENCHMARKS.put(PodStartup.NAME, PodStartup::new);
    }

    private BenchMain() {
    }

    public static void main(String[] args) {
        int status = run(args);
        // jetcd's and Reactor's thread pools must not keep a finished run alive
        System.exit(status);
    }

    static int run(String[] args) {
        Set<String> names = new LinkedHashSet<>();
        for (String arg : args) {
            if (arg.equals("-h") || arg.equals("--help") || arg.equals("help")) {
                System.out.println(usage());
                return 0;
            }
            if (!BENCHMARKS.containsKey(arg)) {
                System.err.println("unknown benchmark: " + arg + "\n" + usage());
                return 2;
            }
            names.add(arg);
        }
        if (names.isEmpty()) {
            names.addAll(BENCHMARKS.keySet());
        }
        System.out.println(environment());
        System.out.println();
        System.out.flush();
        List<Row> rows = new ArrayList<>();
        ClusterHarness cluster = null;
        try {
            for (String name : names) {
                Benchmark benchmark = BENCHMARKS.get(name).get();
                long started = System.nanoTime();
                try {
                    cluster = Clusters.healthyOrNew(cluster);
                    rows.addAll(benchmark.run(cluster));
                    Clusters.settle(name);
                } catch (Throwable e) {
                    Console.progress(name, "failed:");
                    e.printStackTrace();
                    rows.add(benchmark.failed(reason(e)));
                }
                Console.progress(name, String.format(Locale.ROOT, "done in %.0f s",
                        (System.nanoTime() - started) / 1e9));
            }
        } finally {
            if (cluster != null) {
                Console.progress("bench", "stopping the cluster");
                cluster.close();
            }
        }
        System.out.print(Table.render(rows));
        System.out.flush();
        return 0;
    }

    static String usage() {
        return "usage: bin/berth bench [NAME...]   (no NAME: all)\nbenchmarks: "
                + String.join(", ", BENCHMARKS.keySet())
                + "\nenvironment: BERTH_BENCH_JVM_OPTS (service JVM flags, default \"" + Clusters.DEFAULT_JVM_OPTS
                + "\"), BERTH_BENCH_SCALE (multiplies every duration, default 1)";
    }

    /** The machine and JVM the figures come from; the load average says whether something else was running. */
    static String environment() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        Runtime.Version v = Runtime.version();
        return String.format(Locale.ROOT,
                "Environment: %d cores, %s %s (%s), %s %s; load average %.2f at start; services: etcd, 1 api-service "
                        + "replica, gateway, JVM flags \"%s\"; every process shares this machine, clients included%s.",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"), v,
                System.getProperty("java.vm.vendor"), os.getName(), os.getVersion(), os.getSystemLoadAverage(),
                Clusters.jvmOpts(), Console.scale() == 1.0 ? "" : "; durations scaled by " + Console.scale());
    }

    /** One line for the table: the deepest message, which usually names what went wrong. */
    static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String deepest = root == e || root.getMessage() == null ? "" : " (" + root.getMessage() + ")";
        return GatewayClient.abbreviate(top.lines().findFirst().orElse(top) + deepest, 200);
    }
}
