package io.berth.node.agent;

import io.berth.node.client.ApiClients;
import io.berth.node.config.NodeProperties;
import io.berth.node.images.ImageStore;
import io.berth.node.images.LocalImageStore;
import io.berth.node.network.PodNetwork;
import io.berth.node.pods.ContainerPlanner;
import io.berth.node.pods.LogPaths;
import io.berth.node.pods.LogRotation;
import io.berth.node.pods.PodWorkers;
import io.berth.node.pods.RuntimeLauncher;
import io.berth.node.pods.UnmanagedWorkloads;
import io.berth.node.registration.NodeCredentialStore;
import io.berth.node.registration.NodeRegistrar;
import io.berth.node.runtime.ContainerRuntime;
import io.berth.node.runtime.RuncRuntime;
import io.berth.node.simulate.SimulatedMode;
import io.berth.node.status.MachineInfo;
import io.berth.node.status.NodeLifecycle;
import io.berth.node.status.NodeObjects;
import io.berth.node.status.Taints;
import io.berth.node.volumes.ApiVolumeSources;
import io.berth.node.volumes.HostMounter;
import io.berth.node.volumes.Volumes;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The real node: registration (bootstrap token → node credential, stored), the Node and its Lease, the conmon + runc
 * runtime, the image store, volumes and the pod workers. Off in simulated mode. Beans start in dependency order:
 * the credential before the client, the Node before the pod workers (which need its allocatable resources).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(SimulatedMode.Off.class)
class RealNodeConfiguration {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RealNodeConfiguration.class);

    @Bean
    NodeIdentity nodeIdentity(NodeProperties props, @Value("${berth.pki.dir:.berth/pki}") Path pkiDir) {
        String name = props.nodeName();
        Path stateDir = props.stateDir().toAbsolutePath().normalize();
        Path ca = ApiClients.caFile(props, pkiDir);
        String token = new NodeRegistrar(props.apiServer(), ca, props.bootstrapTokenFile(),
                new NodeCredentialStore(stateDir)).credential(name);
        return new NodeIdentity(name, stateDir, ca, token);
    }

    @Bean(destroyMethod = "close")
    KubernetesClient nodeClient(NodeProperties props, NodeIdentity id) {
        return ApiClients.connect(props.apiServer(), id.caFile(), id.token());
    }

    @Bean
    MachineInfo machineInfo(NodeProperties props, NodeIdentity id) {
        return MachineInfo.read(id.stateDir(), props.runtime().runc());
    }

    @Bean
    NodeObjects.Description nodeDescription(NodeProperties props, NodeIdentity id, MachineInfo machine) {
        Map<String, Quantity> capacity = new LinkedHashMap<>();
        capacity.put("cpu", new Quantity(props.cpu() != null ? props.cpu() : Integer.toString(machine.cpuCores())));
        capacity.put("memory", props.memory() != null ? new Quantity(props.memory())
                : new Quantity(Long.toString(machine.memoryBytes())));
        capacity.put("pods", new Quantity(Integer.toString(props.maxPods())));
        capacity.put("ephemeral-storage", new Quantity(Long.toString(machine.storageBytes())));
        return new NodeObjects.Description(id.name(), props.address(), props.port(), capacity, props.labels(),
                Taints.parse(props.taints()), props.network().podCidr(), machine);
    }

    /** The pod network; without a configured pod CIDR it waits for the Node's spec.podCIDR (see NodeLifecycle). */
    @Bean
    PodNetwork podNetwork(NodeProperties props, NodeIdentity id) {
        return new PodNetwork(props.network(), id.stateDir());
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    NodeLifecycle nodeLifecycle(KubernetesClient client, NodeObjects.Description description, NodeProperties props,
                                NodeIdentity id, PodNetwork network) {
        return new NodeLifecycle(client, description, id.stateDir(), props.leaseRenewInterval(),
                props.leaseDuration(), props.statusUpdateInterval(), Clock.systemUTC(), network);
    }

    @Bean
    ContainerRuntime containerRuntime(NodeProperties props, NodeIdentity id, PodNetwork network) {
        return new RuncRuntime(props.runtime(), network, id.stateDir(), id.name(), props.address());
    }

    @Bean
    ImageStore imageStore(NodeIdentity id) {
        return new LocalImageStore(id.stateDir().resolve("images"), id.stateDir().resolve("containers"));
    }

    @Bean
    LogPaths logPaths(NodeIdentity id) {
        return new LogPaths(id.stateDir());
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    PodWorkers podWorkers(KubernetesClient client, NodeLifecycle lifecycle, NodeProperties props, NodeIdentity id,
                          ContainerRuntime runtime, ImageStore images, LogPaths logs,
                          NodeObjects.Description description) {
        ContainerPlanner.Node node = new ContainerPlanner.Node(id.name(), props.address(), description.capacity());
        ApiVolumeSources sources = new ApiVolumeSources(client, id.caFile());
        Volumes volumes = new Volumes(sources, () -> node, new HostMounter(), Clock.systemUTC());
        RuntimeLauncher launcher = new RuntimeLauncher(runtime, images, volumes, logs, () -> node, sources, 1024);
        LogRotation rotation = new LogRotation(runtime, props.runtime().logMaxSize().toBytes(),
                props.runtime().logMaxFiles(), Clock.systemUTC());
        return new PodWorkers(client, id.name(), props.address(), runtime, launcher, logs, rotation,
                description::capacity, props.runtime().podWorkers(), props.runtime().backoffInitial(),
                props.runtime().backoffMax(), Clock.systemUTC());
    }

    /** Every {@code unmanagedCheck}, once the pod list was reconciled: strangers in runc's root or the pod cgroups. */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService unmanagedWorkloadChecks(ContainerRuntime runtime, PodWorkers pods,
                                                     NodeLifecycle lifecycle, NodeProperties props) {
        UnmanagedWorkloads check = new UnmanagedWorkloads(runtime, pods::knownPodUids, lifecycle::setCondition,
                pods.nodeEvents(), props.runtime().unmanagedAction(), Clock.systemUTC());
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "unmanaged-workloads");
            t.setDaemon(true);
            return t;
        });
        long every = props.runtime().unmanagedCheck().toMillis();
        timer.scheduleWithFixedDelay(() -> {
            try {
                if (pods.knownPodUids() != null) {
                    check.check();
                }
            } catch (RuntimeException e) {
                log.warn("checking for unmanaged workloads failed: {}", e.getMessage());
            }
        }, Math.min(every, 5000), every, TimeUnit.MILLISECONDS);
        return timer;
    }

    /** Ready once the Node is registered and the pod informer has listed. */
    @Bean
    HealthIndicator node(NodeLifecycle lifecycle, PodWorkers pods) {
        return () -> lifecycle.node() != null && pods.hasSynced()
                ? Health.up().withDetail("node", lifecycle.node().getMetadata().getName()).build()
                : Health.outOfService().build();
    }

    /** Who this node is: its name, state directory, the CA it trusts and its credential (never logged). */
    record NodeIdentity(String name, Path stateDir, Path caFile, String token) {
        @Override
        public String toString() {
            return "NodeIdentity[" + name + "]";
        }
    }
}
