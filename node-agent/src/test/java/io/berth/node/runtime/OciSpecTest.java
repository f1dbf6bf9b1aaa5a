package io.berth.node.runtime;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class OciSpecTest {

    private static final Sandbox POD = new Sandbox("u1", "10.244.0.2", Path.of("/run/netns/berth-berth0-u1"),
            Path.of("/state/ns/ipc"), Path.of("/state/ns/uts"), null, "/berth/node-1/podu1");
    private static final Sandbox SHARED_PID = new Sandbox("u1", "10.244.0.2", Path.of("/run/netns/x"),
            Path.of("/s/ipc"), Path.of("/s/uts"), Path.of("/s/pid"), "/berth/node-1/podu1");
    private static final Sandbox HOST_NETWORK = new Sandbox("u1", "192.168.1.5", null,
            Path.of("/s/ipc"), Path.of("/s/uts"), null, "/berth/node-1/podu1");

    /** A plan to tweak: the defaults are an unprivileged root container with nothing set. */
    static final class Plan {
        String id = "c1";
        boolean readOnly;
        long uid;
        long gid;
        List<Long> groups = List.of();
        Set<String> caps = Set.of("CAP_CHOWN", "CAP_KILL");
        boolean nnp;
        boolean privileged;
        boolean seccomp;
        List<ContainerPlan.Mount> mounts = List.of();
        List<String> env = List.of("A=1");
        long memory;
        long quota;
        long period;
        long shares;
        long pids;

        ContainerPlan build() {
            return new ContainerPlan(id, Path.of("/images/c1/rootfs"), readOnly, List.of("sh", "-c", "true"), env, "",
                    uid, gid, groups, caps, nnp, privileged, seccomp, mounts, Path.of("/logs/c1.log"), memory, quota,
                    period, shares, pids, Map.of("io.berth.pod.uid", "u1", "io.berth.container.name", "app"));
        }
    }

    static ContainerPlan plan(Consumer<Plan> tweak) {
        Plan p = new Plan();
        tweak.accept(p);
        return p.build();
    }

    record Case(String name, ContainerPlan plan, Sandbox sandbox, Function<JsonNode, Object> actual, Object expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Function<JsonNode, Object> at(String pointer) {
        return config -> {
            JsonNode node = config.at(pointer);
            if (node.isMissingNode()) {
                return "<missing>";
            }
            if (node.isArray()) {
                List<Object> values = new ArrayList<>();
                node.forEach(v -> values.add(v.isString() ? v.asString() : v.toString()));
                return values;
            }
            return node.isString() ? node.asString() : node.toString();
        };
    }

    static Function<JsonNode, Object> mountDestinations() {
        return config -> {
            List<String> destinations = new ArrayList<>();
            config.path("mounts").forEach(m -> destinations.add(m.path("destination").asString()));
            return destinations;
        };
    }

    static Function<JsonNode, Object> namespaces() {
        return config -> {
            List<String> result = new ArrayList<>();
            config.at("/linux/namespaces").forEach(n -> result.add(n.path("type").asString()
                    + (n.has("path") ? "=" + n.path("path").asString() : "")));
            return result;
        };
    }

    static Stream<Case> cases() {
        List<String> standard = List.of("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys");
        List<String> withVolumes = new ArrayList<>(standard);
        withVolumes.addAll(List.of("/usr", "/etc", "/data", "/data/sub"));
        ContainerPlan.Mount usr = new ContainerPlan.Mount("/usr", "/usr", "bind", List.of("rbind", "ro"));
        ContainerPlan.Mount etc = new ContainerPlan.Mount("/etc", "/etc", "bind", List.of("rbind", "ro"));
        ContainerPlan.Mount data = new ContainerPlan.Mount("/data", "/vol/data", "bind", List.of("rbind"));
        ContainerPlan.Mount sub = new ContainerPlan.Mount("/data/sub", "tmpfs", "tmpfs", List.of("nosuid"));
        return Stream.of(
                new Case("the plan's capabilities are bounding, effective and permitted, sorted",
                        plan(p -> { }), POD, at("/process/capabilities/effective"), List.of("CAP_CHOWN", "CAP_KILL")),
                new Case("bounding equals the plan's set", plan(p -> { }), POD,
                        at("/process/capabilities/bounding"), List.of("CAP_CHOWN", "CAP_KILL")),
                new Case("ambient capabilities stay empty for a non-root user", plan(p -> p.uid = 1000), POD,
                        at("/process/capabilities/ambient"), List.of()),
                new Case("no capabilities at all", plan(p -> p.caps = Set.of()), POD,
                        at("/process/capabilities/permitted"), List.of()),
                new Case("privileged gets every capability the runtime holds", plan(p -> p.privileged = true), POD,
                        at("/process/capabilities/bounding"), OciSpec.ALL_CAPABILITIES),
                new Case("uid, gid and supplemental groups", plan(p -> {
                    p.uid = 1000;
                    p.gid = 2000;
                    p.groups = List.of(3000L, 4000L);
                }), POD, at("/process/user"), "{\"uid\":1000,\"gid\":2000,\"additionalGids\":[3000,4000]}"),
                new Case("noNewPrivileges from allowPrivilegeEscalation: false", plan(p -> p.nnp = true), POD,
                        at("/process/noNewPrivileges"), "true"),
                new Case("a default PATH when the plan has none", plan(p -> { }), POD,
                        at("/process/env"), List.of(OciSpec.DEFAULT_PATH, "A=1")),
                new Case("the plan's PATH is kept", plan(p -> p.env = List.of("PATH=/bin")), POD,
                        at("/process/env"), List.of("PATH=/bin")),
                new Case("an unset working directory is /", plan(p -> { }), POD, at("/process/cwd"), "/"),
                new Case("readOnlyRootFilesystem makes the root read-only", plan(p -> p.readOnly = true), POD,
                        at("/root"), "{\"path\":\"/images/c1/rootfs\",\"readonly\":true}"),
                new Case("a writable root by default", plan(p -> { }), POD, at("/root/readonly"), "false"),
                new Case("network, IPC and UTS are the pod's; PID and mount are the container's own",
                        plan(p -> { }), POD, namespaces(), List.of("pid", "network=/run/netns/berth-berth0-u1",
                        "ipc=/state/ns/ipc", "uts=/state/ns/uts", "mount")),
                new Case("a shared process namespace is joined", plan(p -> { }), SHARED_PID, namespaces(),
                        List.of("pid=/s/pid", "network=/run/netns/x", "ipc=/s/ipc", "uts=/s/uts", "mount")),
                new Case("host networking leaves the network namespace alone", plan(p -> { }), HOST_NETWORK,
                        namespaces(), List.of("pid", "ipc=/s/ipc", "uts=/s/uts", "mount")),
                new Case("the container's cgroup is below the pod's", plan(p -> { }), POD,
                        at("/linux/cgroupsPath"), "/berth/node-1/podu1/c1"),
                new Case("memory, cpu and pids limits", plan(p -> {
                    p.memory = 64L << 20;
                    p.quota = 50_000;
                    p.period = 100_000;
                    p.shares = 512;
                    p.pids = 100;
                }), POD, at("/linux/resources"), "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}],"
                        + "\"memory\":{\"limit\":67108864},\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000},"
                        + "\"pids\":{\"limit\":100}}"),
                new Case("no limits: only the device deny-all", plan(p -> { }), POD, at("/linux/resources"),
                        "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}"),
                new Case("a quota without a period gets the 100ms default", plan(p -> p.quota = 20_000), POD,
                        at("/linux/resources/cpu"), "{\"quota\":20000,\"period\":100000}"),
                new Case("privileged may use every device", plan(p -> p.privileged = true), POD,
                        at("/linux/resources/devices"), List.of("{\"allow\":true,\"access\":\"rwm\"}")),
                new Case("RuntimeDefault seccomp allows by default", plan(p -> p.seccomp = true), POD,
                        at("/linux/seccomp/defaultAction"), "SCMP_ACT_ALLOW"),
                new Case("RuntimeDefault seccomp refuses the deny list with EPERM", plan(p -> p.seccomp = true), POD,
                        at("/linux/seccomp/syscalls/0"), SeccompProfile.runtimeDefault().at("/syscalls/0").toString()),
                new Case("RuntimeDefault seccomp denies loading kernel modules", plan(p -> p.seccomp = true), POD,
                        c -> ((List<?>) at("/linux/seccomp/syscalls/0/names").apply(c)).containsAll(
                                List.of("init_module", "finit_module", "kexec_load", "mount", "unshare", "ptrace",
                                        "bpf", "keyctl", "userfaultfd")), true),
                new Case("no seccomp unless asked", plan(p -> { }), POD, at("/linux/seccomp"), "<missing>"),
                new Case("privileged ignores seccomp", plan(p -> {
                    p.privileged = true;
                    p.seccomp = true;
                }), POD, at("/linux/seccomp"), "<missing>"),
                new Case("masked paths as runc's default", plan(p -> { }), POD, at("/linux/maskedPaths"),
                        OciSpec.MASKED_PATHS),
                new Case("read-only paths as runc's default", plan(p -> { }), POD, at("/linux/readonlyPaths"),
                        OciSpec.READONLY_PATHS),
                new Case("privileged has no masked paths", plan(p -> p.privileged = true), POD,
                        at("/linux/maskedPaths"), "<missing>"),
                new Case("the standard mounts, never /sys/fs/cgroup", plan(p -> { }), POD, mountDestinations(),
                        standard),
                new Case("the plan's mounts follow the standard ones in order", plan(p -> p.mounts = List.of(usr,
                        etc, data, sub)), POD, mountDestinations(), withVolumes),
                new Case("a plan mount keeps its type, source and options", plan(p -> p.mounts = List.of(data)),
                        POD, at("/mounts/6"), "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/vol/data\","
                        + "\"options\":[\"rbind\"]}"),
                new Case("/sys is read-only", plan(p -> { }), POD, at("/mounts/5/options"),
                        List.of("nosuid", "noexec", "nodev", "ro")),
                new Case("/sys is writable when privileged", plan(p -> p.privileged = true), POD,
                        at("/mounts/5/options"), List.of("nosuid", "noexec", "nodev", "rw")),
                new Case("the plan's annotations and the sandbox's uid are in the bundle", plan(p -> { }), POD,
                        at("/annotations"), "{\"io.berth.container.name\":\"app\",\"io.berth.pod.uid\":\"u1\","
                        + "\"io.berth.runtime.sandbox\":\"u1\"}"),
                new Case("the process never gets a terminal", plan(p -> { }), POD, at("/process/terminal"), "false"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void configJson(Case c) {
        JsonNode config = OciSpec.build(c.plan(), c.sandbox(), "web-0", null, OciSpec.ALL_CAPABILITIES);
        assertThat(c.actual().apply(config)).isEqualTo(c.expected());
    }

    record ShmCase(String name, Path podShm, String type, String source) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<ShmCase> shm() {
        return Stream.of(
                new ShmCase("the pod's /dev/shm is bind-mounted so its containers share it", Path.of("/s/shm"),
                        "bind", "/s/shm"),
                new ShmCase("without one, the container gets a tmpfs of its own", null, "tmpfs", "shm"));
    }

    @ParameterizedTest
    @MethodSource("shm")
    void devShm(ShmCase c) {
        JsonNode config = OciSpec.build(plan(p -> { }), POD, "web-0", c.podShm(), OciSpec.ALL_CAPABILITIES);
        JsonNode mount = config.at("/mounts/3");
        assertThat(mount.path("destination").asString()).isEqualTo("/dev/shm");
        assertThat(mount.path("type").asString()).isEqualTo(c.type());
        assertThat(mount.path("source").asString()).isEqualTo(c.source());
    }

    record HostnameCase(String name, String hostname, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<HostnameCase> hostnames() {
        return Stream.of(new HostnameCase("the pod's host name", "web-0", "web-0"),
                new HostnameCase("no host name leaves the joined UTS namespace's", null, "<missing>"));
    }

    @ParameterizedTest
    @MethodSource("hostnames")
    void hostname(HostnameCase c) {
        JsonNode config = OciSpec.build(plan(p -> { }), POD, c.hostname(), null, OciSpec.ALL_CAPABILITIES);
        assertThat(at("/hostname").apply(config)).isEqualTo(c.expected());
    }
}
