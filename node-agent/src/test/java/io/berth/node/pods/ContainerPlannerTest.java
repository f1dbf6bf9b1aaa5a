package io.berth.node.pods;

import io.berth.node.images.Image;
import io.berth.node.images.Rootfs;
import io.berth.node.runtime.ContainerPlan;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.berth.node.pods.Fixtures.IMAGE;
import static io.berth.node.pods.Fixtures.container;
import static io.berth.node.pods.Fixtures.plan;
import static io.berth.node.pods.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContainerPlannerTest {

    record ArgvCase(String name, List<String> command, List<String> args, List<String> entrypoint, List<String> cmd,
                    List<String> argv) {
    }

    static Stream<ArgvCase> argv() {
        List<String> none = List.of();
        return Stream.of(
                new ArgvCase("neither set: image ENTRYPOINT + CMD", none, none, List.of("/entry"), List.of("serve"),
                        List.of("/entry", "serve")),
                new ArgvCase("command set: command + args, image CMD ignored", List.of("/bin/sh", "-c"), List.of("date"),
                        List.of("/entry"), List.of("serve"), List.of("/bin/sh", "-c", "date")),
                new ArgvCase("command without args: image CMD still ignored", List.of("/bin/true"), none,
                        List.of("/entry"), List.of("serve"), List.of("/bin/true")),
                new ArgvCase("only args: image ENTRYPOINT + args", none, List.of("--port", "80"), List.of("/entry"),
                        List.of("serve"), List.of("/entry", "--port", "80")),
                new ArgvCase("image with CMD only", none, none, none, List.of("/bin/sh"), List.of("/bin/sh")),
                new ArgvCase("args with an image without ENTRYPOINT", none, List.of("/bin/echo", "hi"), none,
                        List.of("/bin/sh"), List.of("/bin/echo", "hi")),
                new ArgvCase("$(VAR) expanded in command and args, $$ escaped, unknown kept", List.of("echo", "$(GREETING)"),
                        List.of("$$(GREETING)", "$(NOPE)", "$(IMAGE_VAR)"), none, none,
                        List.of("echo", "hello", "$(GREETING)", "$(NOPE)", "$(IMAGE_VAR)")),
                new ArgvCase("image ENTRYPOINT and CMD are never expanded", none, none, List.of("echo"),
                        List.of("$(GREETING)"), List.of("echo", "$(GREETING)")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void argv(ArgvCase c) {
        Container container = container().withCommand(c.command()).withArgs(c.args())
                .withEnv(new EnvVar("GREETING", "hello", null)).build();
        Image image = new Image("app:1", IMAGE.id(), c.entrypoint(), c.cmd(), List.of("IMAGE_VAR=x"), "", "");

        assertThat(plan(pod(container).build(), image, UserLookup.NONE).args()).isEqualTo(c.argv());
    }

    @Test
    void noCommandAnywhereIsACreateContainerError() {
        Image image = new Image("app:1", IMAGE.id(), List.of(), List.of(), List.of(), "", "");

        assertThatThrownBy(() -> plan(pod(container().build()).build(), image, UserLookup.NONE))
                .isInstanceOfSatisfying(ContainerPlanFailure.class,
                        f -> assertThat(f.reason()).isEqualTo("CreateContainerError"))
                .hasMessage("no command specified");
    }

    record HostnameCase(String name, String podName, String hostname, Boolean hostNetwork, String expected) {
    }

    static Stream<HostnameCase> hostname() {
        return Stream.of(
                new HostnameCase("the pod's name", "web-0", null, null, "web-0"),
                new HostnameCase("spec.hostname", "web-0", "front", null, "front"),
                new HostnameCase("the node's on the host network", "web-0", "front", true, "node-a"),
                new HostnameCase("a long name cut to 63 characters, without a trailing dash", "a".repeat(62) + "-b",
                        null, null, "a".repeat(62)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void hostname(HostnameCase c) {
        var pod = pod(container().build()).editMetadata().withName(c.podName()).endMetadata()
                .editSpec().withHostname(c.hostname()).withHostNetwork(c.hostNetwork()).endSpec().build();

        assertThat(plan(pod, IMAGE, UserLookup.NONE).env()).contains("HOSTNAME=" + c.expected());
    }

    record WorkingDirCase(String container, String image, String expected) {
    }

    static Stream<WorkingDirCase> workingDir() {
        return Stream.of(new WorkingDirCase("/app", "/srv", "/app"), new WorkingDirCase(null, "/srv", "/srv"),
                new WorkingDirCase("", "", "/"), new WorkingDirCase(null, null, "/"));
    }

    @ParameterizedTest
    @MethodSource
    void workingDir(WorkingDirCase c) {
        Image image = new Image("app:1", IMAGE.id(), List.of("/entry"), List.of(), List.of(), c.image(), "");

        assertThat(plan(pod(container().withWorkingDir(c.container()).build()).build(), image, UserLookup.NONE)
                .workingDir()).isEqualTo(c.expected());
    }

    record ResourceCase(String name, Map<String, String> limits, Map<String, String> requests, long memory, long quota,
                        long shares) {
    }

    static Stream<ResourceCase> resources() {
        return Stream.of(
                new ResourceCase("none: no limits, minimum shares", Map.of(), Map.of(), 0, 0, 2),
                new ResourceCase("memory limit in bytes", Map.of("memory", "128Mi"), Map.of(), 134_217_728, 0, 2),
                new ResourceCase("decimal memory", Map.of("memory", "1G"), Map.of(), 1_000_000_000, 0, 2),
                new ResourceCase("fractional bytes round up", Map.of("memory", "1.5"), Map.of(), 2, 0, 2),
                new ResourceCase("cpu limit: quota per 100ms, request defaults to it", Map.of("cpu", "500m"), Map.of(),
                        0, 50_000, 512),
                new ResourceCase("cpu limit of 2 cores", Map.of("cpu", "2"), Map.of("cpu", "250m"), 0, 200_000, 256),
                new ResourceCase("tiny cpu limit: at least 1ms quota", Map.of("cpu", "1m"), Map.of("cpu", "1m"), 0,
                        1_000, 2),
                new ResourceCase("request only: shares, no quota", Map.of(), Map.of("cpu", "100m"), 0, 0, 102),
                new ResourceCase("request rounds up to a millicore", Map.of(), Map.of("cpu", "0.0105"), 0, 0, 11),
                new ResourceCase("huge request: shares capped", Map.of(), Map.of("cpu", "1000"), 0, 0, 262_144));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void resources(ResourceCase c) {
        var resources = new ResourceRequirementsBuilder();
        c.limits().forEach((k, v) -> resources.addToLimits(k, new Quantity(v)));
        c.requests().forEach((k, v) -> resources.addToRequests(k, new Quantity(v)));

        ContainerPlan plan = plan(container().withResources(resources.build()).build());

        assertThat(plan.memoryLimitBytes()).isEqualTo(c.memory());
        assertThat(plan.cpuQuotaMicros()).isEqualTo(c.quota());
        assertThat(plan.cpuPeriodMicros()).isEqualTo(100_000);
        assertThat(plan.cpuShares()).isEqualTo(c.shares());
        assertThat(plan.pidsLimit()).isEqualTo(1024);
    }

    @Test
    void theBundleCarriesThePodsIdentityTheIdsTheLogAndTheImageMountsBeforeTheVolumes() {
        ContainerPlan.Mount bind = new ContainerPlan.Mount("/usr", "/usr", "bind", List.of("rbind", "ro"));
        ContainerPlan.Mount volume = new ContainerPlan.Mount("/data", "/var/lib/berth/pods/uid-1/volumes/data", "bind",
                List.of("rbind"));
        Rootfs rootfs = new Rootfs(Path.of("/c/rootfs"), List.of(bind));
        Container container = container().build();

        ContainerPlan plan = Fixtures.PLANNER.plan(new ContainerPlanner.Request(pod(container).build(), container, IMAGE,
                rootfs, List.of(volume), "c-42", Fixtures.LOG, Fixtures.POD_IP, 3, null));

        assertThat(plan.id()).isEqualTo("c-42");
        assertThat(plan.rootfs()).isEqualTo(Path.of("/c/rootfs"));
        assertThat(plan.logPath()).isEqualTo(Fixtures.LOG);
        assertThat(plan.mounts()).containsExactly(bind, volume);
        assertThat(plan.annotations()).containsExactly(
                Map.entry("io.berth.pod.uid", "uid-1"),
                Map.entry("io.berth.pod.name", "web-0"),
                Map.entry("io.berth.pod.namespace", "shop"),
                Map.entry("io.berth.container.name", "app"),
                Map.entry("io.berth.container.restart", "3"));
    }
}
