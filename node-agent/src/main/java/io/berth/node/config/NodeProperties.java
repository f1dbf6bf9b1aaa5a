package io.berth.node.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The node agent's settings ({@code berth.node.*}); defaults run one real node of a local cluster.
 *
 * @param name                 the Node's name; default the host name, lower-cased
 * @param apiServer            the gateway the agent talks to (never etcd)
 * @param caFile               the CA that signed the gateway's certificate; default {@code ca.crt} in {@code berth.pki.dir}
 * @param bootstrapTokenFile   a file holding a bootstrap token {@code <id>.<secret>}, used once to obtain the node
 *                             credential when none is stored yet
 * @param stateDir             the agent's own directory: the node credential (mode 0600), pods' volumes and logs,
 *                             the image store
 * @param address              the node's InternalIP, where the api-service reaches its logs/exec endpoint
 * @param port                 the logs/exec endpoint's HTTPS port, published in {@code status.daemonEndpoints}
 * @param labels               extra Node labels besides {@code kubernetes.io/hostname}, {@code /os}, {@code /arch}
 * @param taints               Node taints as {@code key[=value]:Effect}
 * @param leaseRenewInterval   how often the Lease in {@code kube-node-lease} is renewed
 * @param leaseDuration        the Lease's {@code leaseDurationSeconds}
 * @param statusUpdateInterval how often the full Node status is written when nothing changed
 * @param cpu                  cpu capacity override (a quantity); default the machine's processors
 * @param memory               memory capacity override (a quantity); default the machine's memory
 * @param maxPods              {@code pods} capacity
 * @param runtime              the conmon + runc runtime
 * @param network              the pod network
 * @param simulate             simulated mode (count 0: off)
 */
@ConfigurationProperties("berth.node")
public record NodeProperties(
        String name,
        @DefaultValue("https://127.0.0.1:6443") URI apiServer,
        Path caFile,
        Path bootstrapTokenFile,
        @DefaultValue(".berth/node") Path stateDir,
        @DefaultValue("127.0.0.1") String address,
        @DefaultValue("10250") int port,
        @DefaultValue({}) Map<String, String> labels,
        @DefaultValue({}) List<String> taints,
        @DefaultValue("10s") Duration leaseRenewInterval,
        @DefaultValue("40s") Duration leaseDuration,
        @DefaultValue("1m") Duration statusUpdateInterval,
        String cpu,
        String memory,
        @DefaultValue("110") int maxPods,
        @DefaultValue Runtime runtime,
        @DefaultValue Network network,
        @DefaultValue Simulate simulate) {

    /** The node's name: the configured one, else the host name (lower-cased, as the kubelet does). */
    public String nodeName() {
        if (name != null && !name.isBlank()) {
            return name;
        }
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("berth.node.name is not set and the host name is unknown", e);
        }
    }

    /**
     * The conmon + runc runtime.
     *
     * @param runcRoot       runc's {@code --root}: its state directory for this agent's containers
     * @param runc           the runc binary
     * @param conmon         the conmon binary
     * @param cgroupParent   the cgroup (under each hierarchy) that holds this agent's pod cgroups
     * @param logMaxSize     a container log file's size before the agent rotates it (kubelet's containerLogMaxSize)
     * @param logMaxFiles    how many log files a container keeps, the live one included (containerLogMaxFiles)
     * @param podWorkers     how many pods are synced at once (each sync mostly waits for runc, conmon and ip)
     * @param backoffInitial CrashLoopBackOff's first delay (doubling)
     * @param backoffMax     CrashLoopBackOff's longest delay
     * @param unmanagedCheck how often runc and the pod cgroups are compared with what the agent created
     * @param unmanagedAction what to do with an unmanaged container: {@code report} or {@code kill}
     */
    public record Runtime(
            @DefaultValue("/run/berth/runc") Path runcRoot,
            @DefaultValue("runc") String runc,
            @DefaultValue("conmon") String conmon,
            @DefaultValue("berth") String cgroupParent,
            @DefaultValue("10MB") org.springframework.util.unit.DataSize logMaxSize,
            @DefaultValue("5") int logMaxFiles,
            @DefaultValue("8") int podWorkers,
            @DefaultValue("10s") Duration backoffInitial,
            @DefaultValue("5m") Duration backoffMax,
            @DefaultValue("30s") Duration unmanagedCheck,
            @DefaultValue("report") String unmanagedAction) {
    }

    /**
     * The pod network: a bridge per node, a veth pair per pod, addresses from the node's pod CIDR.
     *
     * @param bridge  the bridge's name (one per node, so several agents can share a machine)
     * @param podCidr the node's pod CIDR, written into the Node it registers as {@code spec.podCIDR}; unset (null or
     *                empty, the default): the Node registers without one and the agent takes the {@code spec.podCIDR}
     *                the controller manager's node IPAM assigns, the node staying NotReady and its pods without
     *                addresses until then
     */
    public record Network(
            @DefaultValue("berth0") String bridge,
            String podCidr) {

        public Network {
            podCidr = podCidr == null || podCidr.isBlank() ? null : podCidr.strip();
        }
    }

    /**
     * Simulated mode, like KWOK: one agent stands in for {@code count} nodes and moves their pods through their
     * phases without starting anything.
     *
     * @param count        how many nodes; 0 turns simulated mode off and runs one real node
     * @param namePrefix   node {@code i} is named {@code <namePrefix><i>}
     * @param tokenFile    a file holding the simulator's own token ({@code system:berth-simulator})
     * @param cpu          each node's cpu capacity
     * @param memory       each node's memory capacity
     * @param pods         each node's pods capacity
     * @param labels       extra labels on every simulated node
     * @param taints       taints on every simulated node ({@code key[=value]:Effect})
     * @param startDelay   from a pod's binding to Running
     * @param readyDelay   from Running to Ready
     * @param runFor       how long a pod whose restartPolicy is not Always runs before it finishes; 0 = forever
     * @param failureRate  the share (0..1) of such pods that end Failed instead of Succeeded
     * @param concurrency  how many API writes the simulator has in flight at once
     */
    public record Simulate(
            @DefaultValue("0") int count,
            @DefaultValue("berth-sim-") String namePrefix,
            Path tokenFile,
            @DefaultValue("32") String cpu,
            @DefaultValue("256Gi") String memory,
            @DefaultValue("110") int pods,
            @DefaultValue({}) Map<String, String> labels,
            @DefaultValue("berth.io/simulated=true:NoSchedule") List<String> taints,
            @DefaultValue("1s") Duration startDelay,
            @DefaultValue("0s") Duration readyDelay,
            @DefaultValue("0s") Duration runFor,
            @DefaultValue("0") double failureRate,
            @DefaultValue("32") int concurrency) {
    }
}
