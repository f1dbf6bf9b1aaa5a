package io.berth.node.pods;

import io.berth.node.images.Image;
import io.berth.node.images.ImageStore;
import io.berth.node.images.Rootfs;
import io.berth.node.runtime.ContainerPlan;
import io.berth.node.runtime.ContainerRuntime;
import io.berth.node.runtime.RuntimeFailure;
import io.berth.node.runtime.Sandbox;
import io.berth.node.volumes.VolumeFailure;
import io.berth.node.volumes.Volumes;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The machine side of starting a container: the image (by {@code imagePullPolicy}; no registry is reachable, so a
 * missing image is {@code ErrImageNeverPull} or {@code ImagePullBackOff}), the pod's volumes, {@code /etc/hosts},
 * {@code /etc/hostname} and {@code /etc/resolv.conf} as the kubelet manages them, the root filesystem, the plan, and
 * the runtime. Thread safe.
 */
public final class RuntimeLauncher implements ContainerLauncher {

    private static final Path HOST_RESOLV = Path.of("/etc/resolv.conf");

    private final ContainerRuntime runtime;
    private final ImageStore images;
    private final Volumes volumes;
    private final LogPaths logs;
    private final Supplier<ContainerPlanner.Node> node;
    private final EnvSources sources;
    private final long pidsLimit;

    public RuntimeLauncher(ContainerRuntime runtime, ImageStore images, Volumes volumes, LogPaths logs,
                           Supplier<ContainerPlanner.Node> node, EnvSources sources, long pidsLimit) {
        this.runtime = runtime;
        this.images = images;
        this.volumes = volumes;
        this.logs = logs;
        this.node = node;
        this.sources = sources;
        this.pidsLimit = pidsLimit;
    }

    @Override
    public Started launch(Pod pod, Container c, Sandbox sandbox, int attempt, boolean init) {
        Image image = image(c);
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        String uid = pod.getMetadata().getUid();
        Path podDir = logs.podDir(ns, name, uid);
        try {
            volumes.setUp(pod, podDir, sandbox.ip());
        } catch (VolumeFailure e) {
            throw new LaunchFailure("ContainerCreating", e.getMessage(), e);
        }
        String id = containerId(uid, c.getName(), attempt);
        Rootfs rootfs = images.prepare(image, id);
        List<ContainerPlan.Mount> mounts = new ArrayList<>(volumes.mounts(pod, c, podDir));
        mounts.addAll(etcFiles(pod, podDir, sandbox, c));
        Path log = logs.log(ns, name, uid, c.getName(), attempt);
        try {
            Files.createDirectories(log.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (c.getSecurityContext() != null && Boolean.TRUE.equals(c.getSecurityContext().getReadOnlyRootFilesystem())) {
            rootfs = readOnlyOverlays(rootfs, mounts);
        }
        UserLookup users = UserLookup.fromRoot(image.reference().equals("host") || isHost(image)
                ? Path.of("/") : rootfs.path());
        ContainerPlan plan;
        try {
            plan = new ContainerPlanner(node.get(), sources, pidsLimit).plan(new ContainerPlanner.Request(pod, c,
                    image, rootfs, mounts, id, log, sandbox.ip(), attempt, users));
        } catch (ContainerPlanFailure e) {
            images.release(id);
            throw new LaunchFailure(e.reason(), e.getMessage(), e);
        }
        try {
            return new Started(runtime.startContainer(sandbox, plan), image.id());
        } catch (RuntimeFailure e) {
            images.release(id);
            runtime.removeContainer(id, true);
            throw new LaunchFailure(e.getMessage().contains("executable file not found")
                    || e.getMessage().contains("no such file") ? "StartError" : "RunContainerError", e.getMessage(), e);
        }
    }

    private Image image(Container c) {
        String ref = c.getImage();
        if (ref == null || ref.isBlank()) {
            throw new LaunchFailure("InvalidImageName", "container " + c.getName() + " has no image");
        }
        Optional<Image> found = images.find(ref);
        if (found.isPresent()) {
            return found.get();
        }
        String policy = pullPolicy(c);
        if ("Never".equals(policy)) {
            throw new LaunchFailure("ErrImageNeverPull", "Container image \"" + ref
                    + "\" is not present with pull policy of Never");
        }
        // a pull would be tried here; Berth nodes reach no registry, so it always fails the same way
        throw new LaunchFailure("ImagePullBackOff", "Back-off pulling image \"" + ref + "\": no registry is reachable"
                + " from Berth nodes; load the image into the node with: bin/berth image load FILE");
    }

    /** Kubernetes' default: Always for {@code :latest} or no tag, else IfNotPresent. */
    static String pullPolicy(Container c) {
        if (c.getImagePullPolicy() != null && !c.getImagePullPolicy().isEmpty()) {
            return c.getImagePullPolicy();
        }
        String ref = c.getImage();
        int slash = ref.lastIndexOf('/');
        String last = ref.substring(slash + 1);
        if (last.contains("@")) {
            return "IfNotPresent";
        }
        return !last.contains(":") || last.endsWith(":latest") ? "Always" : "IfNotPresent";
    }

    private static boolean isHost(Image image) {
        return image.reference().equals("host") || image.reference().startsWith("host:");
    }

    /** /etc/hosts (localhost and the pod's name at its IP), /etc/hostname and /etc/resolv.conf for the pod. */
    private static List<ContainerPlan.Mount> etcFiles(Pod pod, Path podDir, Sandbox sandbox, Container c) {
        if (Boolean.TRUE.equals(pod.getSpec().getHostNetwork())) {
            return List.of();
        }
        String hostname = pod.getSpec().getHostname() == null || pod.getSpec().getHostname().isEmpty()
                ? pod.getMetadata().getName() : pod.getSpec().getHostname();
        try {
            Files.createDirectories(podDir);
            Path hosts = podDir.resolve("etc-hosts");
            Files.writeString(hosts, "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost"
                    + " ip6-localhost ip6-loopback\n" + (sandbox.ip() == null ? "" : sandbox.ip() + "\t" + hostname
                    + "\n"), StandardCharsets.UTF_8);
            Path name = podDir.resolve("etc-hostname");
            Files.writeString(name, hostname + "\n", StandardCharsets.UTF_8);
            Path resolv = podDir.resolve("resolv.conf");
            if (!Files.exists(resolv)) {
                Files.write(resolv, Files.exists(HOST_RESOLV) ? Files.readAllBytes(HOST_RESOLV) : new byte[0]);
            }
            List<String> ro = List.of("rbind", "nosuid", "nodev", "ro");
            List<String> rw = List.of("rbind", "nosuid", "nodev", "rw");
            return List.of(new ContainerPlan.Mount("/etc/hosts", hosts.toString(), "bind", rw),
                    new ContainerPlan.Mount("/etc/hostname", name.toString(), "bind", rw),
                    new ContainerPlan.Mount("/etc/resolv.conf", resolv.toString(), "bind", ro));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * With {@code readOnlyRootFilesystem}, the image's overlay mounts (the host image's {@code /etc}) become read-only
     * too; the mount points the container's other mounts need below them are made in the upper layer first, since
     * nothing can be created in a read-only overlay.
     */
    static Rootfs readOnlyOverlays(Rootfs rootfs, List<ContainerPlan.Mount> later) {
        List<ContainerPlan.Mount> mounts = new ArrayList<>();
        for (ContainerPlan.Mount m : rootfs.mounts()) {
            if (!m.type().equals("overlay")) {
                mounts.add(m);
                continue;
            }
            String upper = m.options().stream().filter(o -> o.startsWith("upperdir=")).findFirst()
                    .map(o -> o.substring("upperdir=".length())).orElse(null);
            if (upper != null) {
                for (ContainerPlan.Mount inner : later) {
                    if (!inner.destination().startsWith(m.destination() + "/")) {
                        continue;
                    }
                    Path point = Path.of(upper, inner.destination().substring(m.destination().length() + 1));
                    try {
                        Files.createDirectories(point.getParent());
                        if (Files.isDirectory(Path.of(inner.source()))) {
                            Files.createDirectories(point);
                        } else if (!Files.exists(point)) {
                            Files.createFile(point);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot make the mount point " + point, e);
                    }
                }
            }
            List<String> options = new ArrayList<>(m.options());
            options.add("ro");
            mounts.add(new ContainerPlan.Mount(m.destination(), m.source(), m.type(), options));
        }
        return new Rootfs(rootfs.path(), mounts);
    }

    /** A run's runtime id: the pod's uid, the container's name and the run's index, so each run is new. */
    static String containerId(String podUid, String container, int attempt) {
        return podUid + "-" + container + "-" + attempt;
    }

    @Override
    public void refreshVolumes(Pod pod, Sandbox sandbox) {
        volumes.setUp(pod, logs.podDir(pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                pod.getMetadata().getUid()), sandbox.ip());
    }

    @Override
    public void release(String containerId) {
        images.release(containerId);
    }

    @Override
    public void releasePod(String namespace, String name, String uid) {
        Path podDir = logs.podDir(namespace, name, uid);
        volumes.tearDown(uid, podDir);
        try (var walk = Files.walk(podDir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + podDir, e);
        }
    }
}
