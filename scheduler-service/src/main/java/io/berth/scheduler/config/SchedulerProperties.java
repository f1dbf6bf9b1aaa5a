package io.berth.scheduler.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The scheduler's settings ({@code berth.scheduler.*}); the defaults run against a local cluster from
 * {@code bin/berth up}.
 *
 * @param apiServer                the gateway the scheduler talks to (never etcd)
 * @param caFile                   the CA that signed the gateway's certificate; default {@code ca.crt} in
 *                                 {@code berth.pki.dir}
 * @param tokenFile                a file holding the scheduler's token ({@code system:kube-scheduler})
 * @param schedulerName            the pods it schedules: those whose {@code spec.schedulerName} is this
 * @param percentageOfNodesToScore share of the nodes searched for feasible ones; 0 = Kubernetes' adaptive default
 * @param scoringStrategy          {@code LeastAllocated} (spread) or {@code MostAllocated} (bin packing)
 * @param podInitialBackoff        an unschedulable pod's first back-off (doubling per attempt)
 * @param podMaxBackoff            the longest back-off
 * @param maxUnschedulable         how long a pod waits for a cluster event before it is retried all the same
 * @param bindingsInFlight         binding requests open at once (below the 100 concurrent streams of the one HTTP/2
 *                                 connection the client shares with its watches and Lease renewals)
 * @param disabledPlugins          plugins of the default profile to leave out
 * @param weights                  score weights by plugin name, over Kubernetes' defaults
 * @param leaderElection           the Lease that elects the one replica that schedules
 */
@ConfigurationProperties("berth.scheduler")
public record SchedulerProperties(
        @DefaultValue("https://127.0.0.1:6443") URI apiServer,
        Path caFile,
        Path tokenFile,
        @DefaultValue("default-scheduler") String schedulerName,
        @DefaultValue("0") int percentageOfNodesToScore,
        @DefaultValue("LeastAllocated") String scoringStrategy,
        @DefaultValue("1s") Duration podInitialBackoff,
        @DefaultValue("10s") Duration podMaxBackoff,
        @DefaultValue("5m") Duration maxUnschedulable,
        @DefaultValue("64") int bindingsInFlight,
        @DefaultValue({}) List<String> disabledPlugins,
        @DefaultValue({}) Map<String, Integer> weights,
        @DefaultValue LeaderElection leaderElection) {

    /**
     * Leader election on a {@code coordination.k8s.io} Lease (Kubernetes' defaults).
     *
     * @param enabled       off: this replica schedules alone (tests)
     * @param namespace     the Lease's namespace
     * @param name          the Lease's name
     * @param identity      this replica's holder identity; default the host name and a random suffix
     * @param leaseDuration how long a leader's term lasts without renewal: a standby takes over after it
     * @param renewDeadline how long the leader keeps trying to renew before it stops scheduling (shorter than
     *                      leaseDuration, so it stops before anyone else can start)
     * @param retryPeriod   how often candidates try to acquire and the leader renews
     */
    public record LeaderElection(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("kube-system") String namespace,
            @DefaultValue("kube-scheduler") String name,
            String identity,
            @DefaultValue("15s") Duration leaseDuration,
            @DefaultValue("10s") Duration renewDeadline,
            @DefaultValue("2s") Duration retryPeriod) {
    }
}
