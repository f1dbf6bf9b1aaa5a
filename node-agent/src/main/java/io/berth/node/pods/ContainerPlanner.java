package io.berth.node.pods;

import io.berth.node.images.Image;
import io.berth.node.images.Rootfs;
import io.berth.node.runtime.ContainerPlan;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns one container of a PodSpec into the {@link ContainerPlan} the runtime writes as an OCI bundle, with Kubernetes
 * v1.32's semantics (the kubelet's {@code generateContainerConfig} and containerd's CRI plugin):
 * <ul>
 *   <li>argv: {@code command} set → command + args; only {@code args} → image ENTRYPOINT + args; neither → image
 *       ENTRYPOINT + CMD; {@code $(VAR)} in command and args expanded against the container's Kubernetes variables;</li>
 *   <li>env: the default {@code PATH}, {@code HOSTNAME}, the image's env, then {@code envFrom} and {@code env}
 *       ({@link EnvResolver}); a later name replaces an earlier one's value in place;</li>
 *   <li>working directory: the container's, else the image's, else {@code /};</li>
 *   <li>security: {@link SecurityPlan};</li>
 *   <li>resources: memory limit in bytes; cpu limit → CFS quota per 100 ms period; cpu request (else limit) →
 *       shares; the node's per-pod pids limit;</li>
 *   <li>mounts: the image's own (the host image's binds), then the pod's volume mounts, as given.</li>
 * </ul>
 * A pure function of its inputs: the same request gives the same plan. Failures are {@link ContainerPlanFailure}s
 * carrying the waiting reason ({@code CreateContainerConfigError} for the spec's missing references and policy
 * violations) and Kubernetes' message. Thread safe.
 */
public final class ContainerPlanner {

    public static final String POD_UID = "io.berth.pod.uid";
    public static final String POD_NAME = "io.berth.pod.name";
    public static final String POD_NAMESPACE = "io.berth.pod.namespace";
    public static final String CONTAINER_NAME = "io.berth.container.name";
    public static final String CONTAINER_RESTART = "io.berth.container.restart";
    /** containerd's default when the image sets no PATH. */
    static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final int MAX_HOSTNAME = 63;

    /**
     * The node, for the downward API.
     *
     * @param name        the Node's name ({@code spec.nodeName} when the pod does not say)
     * @param ip          its InternalIP ({@code status.hostIP})
     * @param allocatable its allocatable resources: a {@code resourceFieldRef} to an unset limit reads these
     */
    public record Node(String name, String ip, Map<String, Quantity> allocatable) {
        public Node {
            allocatable = allocatable == null ? Map.of() : Map.copyOf(allocatable);
        }
    }

    /**
     * One container to plan.
     *
     * @param pod          the pod, as bound to this node
     * @param container    the container (or init container) of {@code pod}'s spec
     * @param image        its image, as the image store found it
     * @param rootfs       its prepared root filesystem
     * @param volumeMounts its volume mounts, already resolved to host paths, in order
     * @param containerId  the runtime's id for this run of the container
     * @param logPath      the CRI log file
     * @param podIp        the pod's IP ({@code status.podIP}; empty before the sandbox has one)
     * @param restartCount how many times this container restarted before this run
     * @param users        the image's {@code /etc/passwd} and {@code /etc/group} ({@link UserLookup#fromRoot})
     */
    public record Request(Pod pod, Container container, Image image, Rootfs rootfs,
                          List<ContainerPlan.Mount> volumeMounts, String containerId, Path logPath, String podIp,
                          int restartCount, UserLookup users) {
        public Request {
            Objects.requireNonNull(pod, "pod");
            Objects.requireNonNull(container, "container");
            Objects.requireNonNull(image, "image");
            Objects.requireNonNull(rootfs, "rootfs");
            volumeMounts = volumeMounts == null ? List.of() : List.copyOf(volumeMounts);
            users = users == null ? UserLookup.NONE : users;
        }
    }

    private final Node node;
    private final EnvSources sources;
    private final long pidsLimit;

    /**
     * @param node      this node
     * @param sources   the ConfigMaps and Secrets env references read
     * @param pidsLimit every container's pids limit (the node's per-pod setting), 0 for none
     */
    public ContainerPlanner(Node node, EnvSources sources, long pidsLimit) {
        this.node = Objects.requireNonNull(node, "node");
        this.sources = Objects.requireNonNull(sources, "sources");
        this.pidsLimit = pidsLimit;
    }

    /** The plan for {@code request}, or a {@link ContainerPlanFailure} saying why there can be none. */
    public ContainerPlan plan(Request request) {
        Pod pod = request.pod();
        Container container = request.container();
        Image image = request.image();
        // The kubelet checks runAsNonRoot before it resolves the environment.
        SecurityPlan security = SecurityPlan.of(pod, container, image, request.users());
        DownwardApi downward = new DownwardApi(pod, container, node, request.podIp());
        Map<String, String> variables = new EnvResolver(pod, sources, downward).resolve(container);

        Quantity memoryLimit = Resources.limit(container, "memory");
        Quantity cpuLimit = Resources.limit(container, "cpu");
        Quantity cpuRequest = Resources.request(container, "cpu");
        long cpuLimitMilli = cpuLimit == null ? 0 : Resources.milliValue(cpuLimit);
        // As the kubelet: a limit without a request counts as the request (the API server defaults it the same way).
        long cpuShares = Resources.shares(cpuRequest == null ? cpuLimitMilli : Resources.milliValue(cpuRequest));

        List<ContainerPlan.Mount> mounts = new ArrayList<>(request.rootfs().mounts());
        mounts.addAll(request.volumeMounts());

        return new ContainerPlan(
                request.containerId(),
                request.rootfs().path(),
                security.readOnlyRootfs(),
                argv(container, image, variables),
                env(pod, image, variables),
                workingDir(container, image),
                security.uid(),
                security.gid(),
                security.supplementalGroups(),
                security.capabilities(),
                security.noNewPrivileges(),
                security.privileged(),
                security.seccompRuntimeDefault(),
                List.copyOf(mounts),
                request.logPath(),
                memoryLimit == null ? 0 : Resources.value(memoryLimit),
                Resources.quota(cpuLimitMilli, Resources.CPU_PERIOD_MICROS),
                Resources.CPU_PERIOD_MICROS,
                cpuShares,
                pidsLimit,
                annotations(pod, container, request.restartCount()));
    }

    /** containerd's {@code WithProcessArgs} rule over the kubelet's expanded command and args. */
    private static List<String> argv(Container container, Image image, Map<String, String> variables) {
        List<String> command = expandAll(container.getCommand(), variables);
        List<String> args = expandAll(container.getArgs(), variables);
        if (command.isEmpty()) {
            if (args.isEmpty()) {
                args = orEmpty(image.cmd());
            }
            command = orEmpty(image.entrypoint());
        }
        List<String> argv = new ArrayList<>(command);
        argv.addAll(args);
        if (argv.isEmpty()) {
            throw ContainerPlanFailure.create("no command specified");
        }
        return List.copyOf(argv);
    }

    private List<String> env(Pod pod, Image image, Map<String, String> variables) {
        Map<String, String> entries = new LinkedHashMap<>();
        put(entries, DEFAULT_PATH);
        put(entries, "HOSTNAME=" + hostname(pod));
        for (String entry : orEmpty(image.env())) {
            put(entries, entry);
        }
        variables.forEach((name, value) -> entries.put(name, name + "=" + value));
        return List.copyOf(entries.values());
    }

    /** The sandbox's host name, as the kubelet gives it: the node's on the host network, else hostname or name. */
    private String hostname(Pod pod) {
        if (Boolean.TRUE.equals(pod.getSpec().getHostNetwork())) {
            return node.name();
        }
        String hostname = pod.getSpec().getHostname();
        if (hostname != null && !hostname.isEmpty()) {
            return hostname;
        }
        String name = Objects.toString(pod.getMetadata().getName(), "");
        if (name.length() <= MAX_HOSTNAME) {
            return name;
        }
        // the kubelet's truncatePodHostnameIfNeeded
        String truncated = name.substring(0, MAX_HOSTNAME);
        int end = truncated.length();
        while (end > 0 && (truncated.charAt(end - 1) == '-' || truncated.charAt(end - 1) == '.')) {
            end--;
        }
        return truncated.substring(0, end);
    }

    private static String workingDir(Container container, Image image) {
        if (container.getWorkingDir() != null && !container.getWorkingDir().isEmpty()) {
            return container.getWorkingDir();
        }
        return image.workingDir() != null && !image.workingDir().isEmpty() ? image.workingDir() : "/";
    }

    private static Map<String, String> annotations(Pod pod, Container container, int restartCount) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(POD_UID, Objects.toString(pod.getMetadata().getUid(), ""));
        annotations.put(POD_NAME, Objects.toString(pod.getMetadata().getName(), ""));
        annotations.put(POD_NAMESPACE, Objects.toString(pod.getMetadata().getNamespace(), ""));
        annotations.put(CONTAINER_NAME, container.getName());
        annotations.put(CONTAINER_RESTART, Integer.toString(restartCount));
        return Collections.unmodifiableMap(annotations);
    }

    /** Adds or replaces a {@code NAME=value} entry (an entry without {@code =} is its own name), in place. */
    private static void put(Map<String, String> entries, String entry) {
        int eq = entry.indexOf('=');
        entries.put(eq < 0 ? entry : entry.substring(0, eq), entry);
    }

    private static List<String> expandAll(List<String> values, Map<String, String> variables) {
        return orEmpty(values).stream().map(v -> Expansion.expand(v, variables)).toList();
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
