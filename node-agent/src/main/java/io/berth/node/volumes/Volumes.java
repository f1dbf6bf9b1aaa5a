package io.berth.node.volumes;

import io.berth.node.pods.ContainerPlanFailure;
import io.berth.node.pods.ContainerPlanner;
import io.berth.node.pods.DownwardApi;
import io.berth.node.runtime.ContainerPlan;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A pod's volumes on the node, under {@code <podDir>/volumes/<name>}: emptyDir (a directory, or a tmpfs for
 * {@code medium: Memory}), configMap, secret, downwardAPI and projected volumes (files written with
 * {@link AtomicWriter}, refreshed by {@link #setUp} when their sources change; secrets and tokens live on tmpfs so
 * they never reach the node's disk), and the ServiceAccount token volume the kubelet adds at
 * {@value #SA_MOUNT} (token, ca.crt, namespace) unless {@code automountServiceAccountToken: false}.
 * Tokens are renewed at 80% of their lifetime, as the kubelet does. Containers see volumes at their literal
 * {@code mountPath} as bind mounts. Thread safe across pods; one pod's calls are serialized by its worker.
 */
public final class Volumes {

    public static final String SA_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";
    static final String SA_VOLUME = "kube-api-access-berth";
    private static final long SA_TOKEN_SECONDS = 3607;

    private final VolumeSources sources;
    private final Supplier<ContainerPlanner.Node> node;
    private final Mounter mounter;
    private final Clock clock;
    private final Map<String, VolumeSources.Token> tokens = new ConcurrentHashMap<>();

    public Volumes(VolumeSources sources, Supplier<ContainerPlanner.Node> node, Mounter mounter, Clock clock) {
        this.sources = sources;
        this.node = node;
        this.mounter = mounter;
        this.clock = clock;
    }

    /** Mounts tmpfs file systems (a seam, so tests need not be root). */
    public interface Mounter {
        void tmpfs(Path dir, String options);

        void unmount(Path dir);
    }

    /**
     * Creates or refreshes every volume of the pod in {@code podDir}; throws {@link VolumeFailure} with the kubelet's
     * message when a source is missing (the pod stays in ContainerCreating and is retried).
     */
    public void setUp(Pod pod, Path podDir, String podIp) {
        for (Volume v : volumes(pod)) {
            Path dir = podDir.resolve("volumes").resolve(v.getName());
            if (v.getEmptyDir() != null) {
                ensureDir(dir);
                if ("Memory".equals(v.getEmptyDir().getMedium())) {
                    String size = v.getEmptyDir().getSizeLimit() == null ? "" : ",size="
                            + Quantity.getAmountInBytes(v.getEmptyDir().getSizeLimit()).toBigInteger();
                    mounter.tmpfs(dir, "mode=0777" + size);
                } else {
                    setMode(dir, 0777);
                }
            } else if (v.getConfigMap() != null) {
                ensureDir(dir);
                var src = v.getConfigMap();
                Map<String, AtomicWriter.Payload> files = configMapFiles(pod, src.getName(), src.getItems(),
                        mode(src.getDefaultMode()), Boolean.TRUE.equals(src.getOptional()));
                AtomicWriter.write(dir, files);
            } else if (v.getSecret() != null) {
                ensureDir(dir);
                mounter.tmpfs(dir, "mode=0755");
                var src = v.getSecret();
                AtomicWriter.write(dir, secretFiles(pod, src.getSecretName(), src.getItems(),
                        mode(src.getDefaultMode()), Boolean.TRUE.equals(src.getOptional())));
            } else if (v.getDownwardAPI() != null) {
                ensureDir(dir);
                AtomicWriter.write(dir, downwardFiles(pod, podIp, v.getDownwardAPI().getItems(),
                        mode(v.getDownwardAPI().getDefaultMode())));
            } else if (v.getProjected() != null) {
                ensureDir(dir);
                mounter.tmpfs(dir, "mode=0755");
                Map<String, AtomicWriter.Payload> files = projectedFiles(pod, podIp, v.getProjected().getSources(),
                        mode(v.getProjected().getDefaultMode()));
                if (v.getName().equals(SA_VOLUME)) {
                    // the volume the kubelet adds by itself also carries the CA and the namespace
                    files.put("ca.crt", new AtomicWriter.Payload(sources.caBundle(), 0644));
                    files.put("namespace", new AtomicWriter.Payload(
                            pod.getMetadata().getNamespace().getBytes(StandardCharsets.UTF_8), 0644));
                }
                AtomicWriter.write(dir, files);
            } else {
                throw new VolumeFailure("volume \"" + v.getName() + "\": this volume type is not supported by Berth"
                        + " nodes (supported: emptyDir, configMap, secret, downwardAPI, projected)");
            }
        }
    }

    /** The bind mounts of {@code container}'s volumeMounts (plus the ServiceAccount token), in order. */
    public List<ContainerPlan.Mount> mounts(Pod pod, Container container, Path podDir) {
        List<ContainerPlan.Mount> mounts = new ArrayList<>();
        List<VolumeMount> vms = new ArrayList<>(container.getVolumeMounts() == null ? List.of()
                : container.getVolumeMounts());
        if (automount(pod) && vms.stream().noneMatch(m -> SA_MOUNT.equals(m.getMountPath()))) {
            vms.add(new io.fabric8.kubernetes.api.model.VolumeMountBuilder().withMountPath(SA_MOUNT).withName(SA_VOLUME)
                    .withReadOnly(true).build());
        }
        for (VolumeMount vm : vms) {
            Path source = podDir.resolve("volumes").resolve(vm.getName());
            if (vm.getSubPath() != null && !vm.getSubPath().isEmpty()) {
                Path sub = source.resolve(vm.getSubPath()).normalize();
                if (!sub.startsWith(source) || vm.getSubPath().startsWith("/")) {
                    throw new VolumeFailure("subPath \"" + vm.getSubPath() + "\" must not leave the volume");
                }
                source = sub;
            }
            List<String> options = new ArrayList<>(List.of("rbind", "nosuid", "nodev"));
            options.add(Boolean.TRUE.equals(vm.getReadOnly()) ? "ro" : "rw");
            mounts.add(new ContainerPlan.Mount(vm.getMountPath(), source.toString(), "bind", options));
        }
        return mounts;
    }

    /** Unmounts and deletes every volume of the pod. */
    public void tearDown(String podUid, Path podDir) {
        Path volumes = podDir.resolve("volumes");
        if (Files.isDirectory(volumes)) {
            try (Stream<Path> list = Files.list(volumes)) {
                list.forEach(mounter::unmount);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            deleteTree(volumes);
        }
        tokens.keySet().removeIf(k -> k.startsWith(podUid + "/"));
    }

    private List<Volume> volumes(Pod pod) {
        List<Volume> volumes = new ArrayList<>(pod.getSpec().getVolumes() == null ? List.of()
                : pod.getSpec().getVolumes());
        if (automount(pod) && volumes.stream().noneMatch(v -> v.getName().equals(SA_VOLUME))
                && !mountsServiceAccountPath(pod)) {
            var projection = new io.fabric8.kubernetes.api.model.ProjectedVolumeSourceBuilder()
                    .withDefaultMode(0644)
                    .addNewSource().withNewServiceAccountToken().withPath("token")
                    .withExpirationSeconds(SA_TOKEN_SECONDS).endServiceAccountToken().endSource()
                    .build();
            volumes.add(new io.fabric8.kubernetes.api.model.VolumeBuilder().withName(SA_VOLUME)
                    .withProjected(projection).build());
        }
        return volumes;
    }

    private static boolean automount(Pod pod) {
        return !Boolean.FALSE.equals(pod.getSpec().getAutomountServiceAccountToken());
    }

    private static boolean mountsServiceAccountPath(Pod pod) {
        return Stream.concat(pod.getSpec().getContainers().stream(), pod.getSpec().getInitContainers() == null
                        ? Stream.empty() : pod.getSpec().getInitContainers().stream())
                .allMatch(c -> c.getVolumeMounts() != null
                        && c.getVolumeMounts().stream().anyMatch(m -> SA_MOUNT.equals(m.getMountPath())));
    }

    private Map<String, AtomicWriter.Payload> configMapFiles(Pod pod, String name, List<KeyToPath> items, int mode,
                                                            boolean optional) {
        ConfigMap cm = sources.configMap(pod.getMetadata().getNamespace(), name).orElse(null);
        if (cm == null) {
            if (optional) {
                return Map.of();
            }
            throw new VolumeFailure("MountVolume.SetUp failed for volume \"" + name + "\" : configmap \"" + name
                    + "\" not found");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        if (cm.getData() != null) {
            cm.getData().forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
        }
        if (cm.getBinaryData() != null) {
            cm.getBinaryData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
        }
        return select("configmap", name, data, items, mode, optional);
    }

    private Map<String, AtomicWriter.Payload> secretFiles(Pod pod, String name, List<KeyToPath> items, int mode,
                                                         boolean optional) {
        Secret s = sources.secret(pod.getMetadata().getNamespace(), name).orElse(null);
        if (s == null) {
            if (optional) {
                return Map.of();
            }
            throw new VolumeFailure("MountVolume.SetUp failed for volume \"" + name + "\" : secret \"" + name
                    + "\" not found");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        if (s.getData() != null) {
            s.getData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
        }
        if (s.getStringData() != null) {
            s.getStringData().forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
        }
        return select("secret", name, data, items, mode, optional);
    }

    private static Map<String, AtomicWriter.Payload> select(String kind, String name, Map<String, byte[]> data,
                                                           List<KeyToPath> items, int mode, boolean optional) {
        Map<String, AtomicWriter.Payload> files = new LinkedHashMap<>();
        if (items == null || items.isEmpty()) {
            data.forEach((k, v) -> files.put(k, new AtomicWriter.Payload(v, mode)));
            return files;
        }
        for (KeyToPath item : items) {
            byte[] v = data.get(item.getKey());
            if (v == null) {
                if (optional) {
                    continue;
                }
                throw new VolumeFailure("MountVolume.SetUp failed: " + kind + " \"" + name + "\": key \""
                        + item.getKey() + "\" not found");
            }
            files.put(item.getPath(), new AtomicWriter.Payload(v, item.getMode() == null ? mode : item.getMode()));
        }
        return files;
    }

    private Map<String, AtomicWriter.Payload> downwardFiles(Pod pod, String podIp, List<DownwardAPIVolumeFile> items,
                                                           int mode) {
        Map<String, AtomicWriter.Payload> files = new LinkedHashMap<>();
        for (DownwardAPIVolumeFile f : items == null ? List.<DownwardAPIVolumeFile>of() : items) {
            String value;
            try {
                if (f.getFieldRef() != null) {
                    value = new DownwardApi(pod, pod.getSpec().getContainers().get(0), node.get(), podIp)
                            .field(f.getFieldRef());
                } else {
                    String name = f.getResourceFieldRef().getContainerName();
                    Container c = pod.getSpec().getContainers().stream()
                            .filter(x -> name == null || name.isEmpty() || x.getName().equals(name)).findFirst()
                            .orElseThrow(() -> new VolumeFailure("container " + name + " not found in pod "
                                    + pod.getMetadata().getName()));
                    value = new DownwardApi(pod, c, node.get(), podIp).resource(f.getResourceFieldRef());
                }
            } catch (ContainerPlanFailure e) {
                throw new VolumeFailure("MountVolume.SetUp failed: " + e.getMessage(), e);
            }
            files.put(f.getPath(), new AtomicWriter.Payload(value.getBytes(StandardCharsets.UTF_8),
                    f.getMode() == null ? mode : f.getMode()));
        }
        return files;
    }

    private Map<String, AtomicWriter.Payload> projectedFiles(Pod pod, String podIp, List<VolumeProjection> projections,
                                                            int mode) {
        Map<String, AtomicWriter.Payload> files = new LinkedHashMap<>();
        for (VolumeProjection p : projections == null ? List.<VolumeProjection>of() : projections) {
            if (p.getConfigMap() != null) {
                files.putAll(configMapFiles(pod, p.getConfigMap().getName(), p.getConfigMap().getItems(), mode,
                        Boolean.TRUE.equals(p.getConfigMap().getOptional())));
            } else if (p.getSecret() != null) {
                files.putAll(secretFiles(pod, p.getSecret().getName(), p.getSecret().getItems(), mode,
                        Boolean.TRUE.equals(p.getSecret().getOptional())));
            } else if (p.getDownwardAPI() != null) {
                files.putAll(downwardFiles(pod, podIp, p.getDownwardAPI().getItems(), mode));
            } else if (p.getServiceAccountToken() != null) {
                var t = p.getServiceAccountToken();
                VolumeSources.Token token = token(pod, t.getAudience(), t.getExpirationSeconds() == null ? 3600
                        : t.getExpirationSeconds());
                files.put(t.getPath(), new AtomicWriter.Payload(token.token().getBytes(StandardCharsets.UTF_8), mode));
            }
        }
        return files;
    }

    /** A cached token, renewed once 80% of its lifetime passed (or 24 h, whichever is first), as the kubelet does. */
    private VolumeSources.Token token(Pod pod, String audience, long seconds) {
        String sa = pod.getSpec().getServiceAccountName() == null || pod.getSpec().getServiceAccountName().isEmpty()
                ? "default" : pod.getSpec().getServiceAccountName();
        String key = pod.getMetadata().getUid() + "/" + sa + "/" + audience + "/" + seconds;
        Instant now = clock.instant();
        VolumeSources.Token cached = tokens.get(key);
        if (cached != null) {
            Duration ttl = Duration.ofSeconds(seconds);
            Instant issued = cached.expires().minus(ttl);
            Duration renewAfter = ttl.multipliedBy(8).dividedBy(10);
            if (renewAfter.compareTo(Duration.ofHours(24)) > 0) {
                renewAfter = Duration.ofHours(24);
            }
            if (now.isBefore(issued.plus(renewAfter))) {
                return cached;
            }
        }
        VolumeSources.Token fresh = sources.token(pod, sa, audience, seconds);
        tokens.put(key, fresh);
        return fresh;
    }

    private static int mode(Integer m) {
        return m == null ? 0644 : m;
    }

    private static void ensureDir(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void setMode(Path dir, int mode) {
        try {
            Files.setPosixFilePermissions(dir, AtomicWriter.permissions(mode));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a directory tree without following symlinks. */
    static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    static Set<String> supported() {
        return Set.of("emptyDir", "configMap", "secret", "downwardAPI", "projected");
    }
}
