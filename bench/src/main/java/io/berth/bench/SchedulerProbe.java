package io.berth.bench;

import io.berth.testkit.SchedulerHandle;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * What a benchmark reads of a scheduler it started: its process's CPU and highest resident memory (sampled every
 * half second while open), and its own count of scheduling attempts from its Prometheus endpoint. The process is
 * found among this JVM's children by its Lease identity on the command line.
 */
final class SchedulerProbe implements AutoCloseable {

    /**
     * {@code scheduler_schedule_attempts_total} by result, and the sum and count of
     * {@code scheduler_e2e_scheduling_duration_seconds} (a pod's first attempt to its binding); NaN where unreadable.
     */
    record Attempts(double scheduled, double unschedulable, double error, double e2eSeconds, double e2eCount) {

        static final Attempts UNKNOWN = new Attempts(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

        Attempts minus(Attempts before) {
            return new Attempts(scheduled - before.scheduled, unschedulable - before.unschedulable,
                    error - before.error, e2eSeconds - before.e2eSeconds, e2eCount - before.e2eCount);
        }

        /** The mean of the e2e durations counted, in seconds; NaN without any. */
        double e2eMean() {
            return e2eCount > 0 ? e2eSeconds / e2eCount : Double.NaN;
        }

        /** The counters of a Prometheus text exposition (sums over other labels); a missing series reads 0. */
        static Attempts parse(String exposition) {
            double[] sums = new double[5];
            String[] results = {"scheduled", "unschedulable", "error"};
            for (String line : exposition.split("\n")) {
                if (line.startsWith("scheduler_schedule_attempts_total{")) {
                    for (int r = 0; r < results.length; r++) {
                        if (line.contains("result=\"" + results[r] + "\"")) {
                            sums[r] += value(line);
                        }
                    }
                } else if (line.startsWith("scheduler_e2e_scheduling_duration_seconds_sum")) {
                    sums[3] += value(line);
                } else if (line.startsWith("scheduler_e2e_scheduling_duration_seconds_count")) {
                    sums[4] += value(line);
                }
            }
            return new Attempts(sums[0], sums[1], sums[2], sums[3], sums[4]);
        }

        private static double value(String line) {
            return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
    }

    private final SchedulerHandle scheduler;
    private final long pid;
    private final AtomicLong maxRssKb = new AtomicLong();
    private final Thread sampler;

    private SchedulerProbe(SchedulerHandle scheduler, long pid) {
        this.scheduler = scheduler;
        this.pid = pid;
        this.sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                maxRssKb.accumulateAndGet(Procs.rssKb(pid), Math::max);
                LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
            }
        }, "scheduler-rss-" + scheduler.name());
        sampler.setDaemon(true);
    }

    /** Starts sampling the scheduler's memory; the pid is -1 (figures 0) if its process cannot be found. */
    static SchedulerProbe start(SchedulerHandle scheduler) {
        String identity = "--berth.scheduler.leader-election.identity=" + scheduler.name();
        long pid = ProcessHandle.current().children()
                .filter(p -> p.info().commandLine().map(c -> c.contains(identity + " ") || c.endsWith(identity))
                        .orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
        SchedulerProbe probe = new SchedulerProbe(scheduler, pid);
        probe.sampler.start();
        return probe;
    }

    /** The scheduler's CPU so far ({@link Procs.Cpu#NONE} when its process is not found). */
    Procs.Cpu cpu() {
        return Procs.cpu(pid);
    }

    /** The highest {@code VmRSS} seen since {@link #start}, in kB; 0 when unknown. */
    long maxRssKb() {
        return Math.max(maxRssKb.get(), Procs.rssKb(pid));
    }

    Attempts attempts() {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(scheduler.managementUrl() + "/actuator/prometheus"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Attempts.parse(r.body()) : Attempts.UNKNOWN;
        } catch (IOException | RuntimeException e) {
            return Attempts.UNKNOWN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Attempts.UNKNOWN;
        }
    }

    @Override
    public void close() {
        sampler.interrupt();
    }
}
