package io.berth.controller.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The controller manager's settings ({@code berth.controller.*}); the defaults run against a local cluster from
 * {@code bin/berth up}.
 *
 * @param apiServer      the gateway the controllers talk to (never etcd)
 * @param caFile         the CA that signed the gateway's certificate; default {@code ca.crt} in {@code berth.pki.dir}
 * @param tokenFile      a file holding the controller manager's token ({@code system:kube-controller-manager})
 * @param controllers    the controllers to run: {@code *} for all, or names; {@code -name} turns one off
 * @param workers        concurrent syncs by controller name, over the defaults (Kubernetes' {@code --concurrent-*})
 * @param writesInFlight bulk writes (pod creations and deletions) open at once, below the 100 concurrent streams of
 *                       the one HTTP/2 connection to the gateway
 * @param leaderElection the Lease that elects the one replica that runs the controllers
 * @param nodeLifecycle  when nodes count as gone and their pods are evicted
 * @param nodeIpam       the pod CIDRs handed to nodes
 * @param endpointSlice  how the EndpointSlice controller cuts a Service's endpoints into slices
 * @param namespaceDeletion how the namespace controller empties deleted namespaces
 */
@ConfigurationProperties("berth.controller")
public record ControllerProperties(
        @DefaultValue("https://127.0.0.1:6443") URI apiServer,
        Path caFile,
        Path tokenFile,
        @DefaultValue("*") List<String> controllers,
        @DefaultValue({}) Map<String, Integer> workers,
        @DefaultValue("64") int writesInFlight,
        @DefaultValue LeaderElection leaderElection,
        @DefaultValue NodeLifecycle nodeLifecycle,
        @DefaultValue NodeIpam nodeIpam,
        @DefaultValue EndpointSlice endpointSlice,
        @DefaultValue NamespaceDeletion namespaceDeletion) {

    /** Whether the controller called {@code name} runs. */
    public boolean enabled(String name) {
        if (controllers.contains("-" + name)) {
            return false;
        }
        return controllers.contains("*") || controllers.contains(name);
    }

    /** The workers of controller {@code name}: configured, else its default. */
    public int workers(String name, int fallback) {
        return workers.getOrDefault(name, fallback);
    }

    /**
     * Leader election on a {@code coordination.k8s.io} Lease (Kubernetes' defaults).
     *
     * @param enabled       off: this replica runs the controllers alone (tests)
     * @param namespace     the Lease's namespace
     * @param name          the Lease's name
     * @param identity      this replica's holder identity; default the host name and a random suffix
     * @param leaseDuration how long a leader's term lasts without renewal: a standby takes over after it
     * @param renewDeadline how long the leader keeps trying to renew before it stops (shorter than leaseDuration)
     * @param retryPeriod   how often candidates try to acquire and the leader renews
     */
    public record LeaderElection(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("kube-system") String namespace,
            @DefaultValue("kube-controller-manager") String name,
            String identity,
            @DefaultValue("15s") Duration leaseDuration,
            @DefaultValue("10s") Duration renewDeadline,
            @DefaultValue("2s") Duration retryPeriod) {
    }

    /**
     * Node lifecycle (Kubernetes' node lifecycle controller and taint eviction).
     *
     * @param monitorPeriod       how often node health is checked
     * @param monitorGracePeriod  how long a node may go without renewing its Lease (or posting status) before it
     *                            counts as unreachable
     * @param evictionRate        nodes per second whose pods may be evicted (Kubernetes' {@code --node-eviction-rate})
     * @param startupGracePeriod  the grace of a node that has never posted a Ready condition (Kubernetes'
     *                            {@code --node-startup-grace-period})
     */
    public record NodeLifecycle(
            @DefaultValue("5s") Duration monitorPeriod,
            @DefaultValue("40s") Duration monitorGracePeriod,
            @DefaultValue("0.1") double evictionRate,
            @DefaultValue("60s") Duration startupGracePeriod) {
    }

    /**
     * The namespace controller.
     *
     * @param gracePeriod how long after a namespace is marked for deletion its content is first deleted (Kubernetes'
     *                    5 s): by then every api-service replica refuses new content in it, so nothing created
     *                    through a replica that had not seen the deletion yet outlives the namespace
     */
    public record NamespaceDeletion(@DefaultValue("5s") Duration gracePeriod) {
    }

    /**
     * Node IPAM (Kubernetes' range allocator).
     *
     * @param clusterCidr the pod network, divided into one block per node
     * @param nodeMaskSize each node's block, as a prefix length
     */
    public record NodeIpam(
            @DefaultValue("10.244.0.0/16") String clusterCidr,
            @DefaultValue("24") int nodeMaskSize) {
    }

    /**
     * The EndpointSlice controller.
     *
     * @param maxEndpointsPerSlice endpoints in one slice at most (Kubernetes' {@code --max-endpoints-per-slice},
     *                             1 to 1000)
     */
    public record EndpointSlice(
            @DefaultValue("100") int maxEndpointsPerSlice) {
    }
}
