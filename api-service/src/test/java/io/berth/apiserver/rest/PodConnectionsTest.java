package io.berth.apiserver.rest;

import io.berth.apimachinery.errors.ApiException;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class PodConnectionsTest {

    static Pod pod(List<String> containers, List<String> init, ContainerStatus... statuses) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName("web").withNamespace("team").endMetadata()
                .withNewSpec().withNodeName("node-1").endSpec();
        containers.forEach(c -> b.editSpec().addNewContainer().withName(c).withImage("host").endContainer().endSpec());
        init.forEach(c -> b.editSpec().addNewInitContainer().withName(c).withImage("host").endInitContainer()
                .endSpec());
        b.withNewStatus().withContainerStatuses(statuses).endStatus();
        return b.build();
    }

    static ContainerStatus running(String name) {
        return new ContainerStatusBuilder().withName(name).withContainerID("runc://a").withNewState().withNewRunning()
                .endRunning().endState().build();
    }

    static ContainerStatus waiting(String name, String reason) {
        return new ContainerStatusBuilder().withName(name).withNewState().withNewWaiting().withReason(reason)
                .endWaiting().endState().build();
    }

    static ContainerStatus restarting(String name) {
        return new ContainerStatusBuilder().withName(name).withNewState().withNewWaiting()
                .withReason("CrashLoopBackOff").endWaiting().endState().withNewLastState().withNewTerminated()
                .withContainerID("runc://old").withExitCode(1).endTerminated().endLastState().build();
    }

    static ContainerStatus terminated(String name) {
        return new ContainerStatusBuilder().withName(name).withNewState().withNewTerminated()
                .withContainerID("runc://done").withExitCode(0).endTerminated().endState().build();
    }

    record Choice(String name, Pod pod, String requested, String chosen, String refusal) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Choice> choices() {
        return Stream.of(
                new Choice("the only container", pod(List.of("a"), List.of()), null, "a", null),
                new Choice("a named container", pod(List.of("a", "b"), List.of()), "b", "b", null),
                new Choice("a named init container", pod(List.of("a"), List.of("setup")), "setup", "setup", null),
                new Choice("several and none named", pod(List.of("a", "b"), List.of()), null, null,
                        "a container name must be specified for pod web, choose one of: [a b]"),
                new Choice("several with init containers", pod(List.of("a", "b"), List.of("i1", "i2")), "", null,
                        "a container name must be specified for pod web, choose one of: [a b] or one of the init "
                                + "containers: [i1 i2]"),
                new Choice("an unknown name", pod(List.of("a"), List.of()), "c", null,
                        "container c is not valid for pod web"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("choices")
    void theContainerIsChosenAsKubernetesChoosesIt(Choice c) {
        if (c.refusal() == null) {
            assertThat(PodConnections.container(c.pod(), c.requested())).isEqualTo(c.chosen());
        } else {
            assertBadRequest(() -> PodConnections.container(c.pod(), c.requested()), c.refusal());
        }
    }

    record Logs(String name, ContainerStatus status, boolean previous, String refusal) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Logs> logs() {
        return Stream.of(
                new Logs("running", running("c"), false, null),
                new Logs("terminated", terminated("c"), false, null),
                new Logs("crash looping: the last run's logs", restarting("c"), false, null),
                new Logs("crash looping, previous", restarting("c"), true, null),
                new Logs("being created", waiting("c", "ContainerCreating"), false,
                        "container \"c\" in pod \"web\" is waiting to start: ContainerCreating"),
                new Logs("image pull failing", waiting("c", "ErrImagePull"), false,
                        "container \"c\" in pod \"web\" is waiting to start: image can't be pulled"),
                new Logs("image pull backing off", waiting("c", "ImagePullBackOff"), false,
                        "container \"c\" in pod \"web\" is waiting to start: trying and failing to pull image"),
                new Logs("previous without one", running("c"), true,
                        "previous terminated container \"c\" in pod \"web\" not found"),
                new Logs("no status reported yet", null, false, "container \"c\" in pod \"web\" is not available"),
                new Logs("a state the kubelet does not know", new ContainerStatusBuilder().withName("c").build(), false,
                        "container \"c\" in pod \"web\" is waiting to start - no logs yet"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("logs")
    void logsNeedAContainerRunThatWrote(Logs c) {
        Pod pod = c.status() == null ? pod(List.of("c"), List.of()) : pod(List.of("c"), List.of(), c.status());
        if (c.refusal() == null) {
            PodConnections.checkLogs(pod, "c", c.previous());
        } else {
            assertBadRequest(() -> PodConnections.checkLogs(pod, "c", c.previous()), c.refusal());
        }
    }

    record Exec(String name, ContainerStatus status, String refusal) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Exec> execs() {
        return Stream.of(
                new Exec("running", running("c"), null),
                new Exec("waiting", waiting("c", "ContainerCreating"),
                        "container \"c\" in pod \"web\" is waiting to start: ContainerCreating"),
                new Exec("terminated", terminated("c"), "container \"c\" in pod \"web\" is not running"),
                new Exec("no status", null, "container \"c\" in pod \"web\" is not available"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("execs")
    void execNeedsARunningContainer(Exec c) {
        Pod pod = c.status() == null ? pod(List.of("c"), List.of()) : pod(List.of("c"), List.of(), c.status());
        if (c.refusal() == null) {
            PodConnections.checkRunning(pod, "c");
        } else {
            assertBadRequest(() -> PodConnections.checkRunning(pod, "c"), c.refusal());
        }
    }

    @Test
    void anUnboundPodHasNoHost() {
        Pod unbound = new PodBuilder(pod(List.of("c"), List.of())).editSpec().withNodeName(null).endSpec().build();

        assertThat(PodConnections.nodeName(pod(List.of("c"), List.of()))).isEqualTo("node-1");
        assertBadRequest(() -> PodConnections.nodeName(unbound), "pod web does not have a host assigned");
    }

    record Agent(String name, Node node, String url) {
        @Override
        public String toString() {
            return name;
        }
    }

    static NodeBuilder node() {
        return new NodeBuilder().withNewMetadata().withName("node-1").endMetadata();
    }

    static Stream<Agent> agents() {
        return Stream.of(
                new Agent("InternalIP and the published port", node().withNewStatus()
                        .addNewAddress().withType("Hostname").withAddress("node-1").endAddress()
                        .addNewAddress().withType("InternalIP").withAddress("10.0.0.7").endAddress()
                        .withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(10350).endKubeletEndpoint()
                        .endDaemonEndpoints().endStatus().build(), "https://10.0.0.7:10350"),
                new Agent("no port published: the kubelet's", node().withNewStatus()
                        .addNewAddress().withType("InternalIP").withAddress("127.0.0.1").endAddress().endStatus()
                        .build(), "https://127.0.0.1:10250"),
                new Agent("an IPv6 address", node().withNewStatus()
                        .addNewAddress().withType("InternalIP").withAddress("fd00::7").endAddress()
                        .withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(10250).endKubeletEndpoint()
                        .endDaemonEndpoints().endStatus().build(), "https://[fd00::7]:10250"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("agents")
    void theAgentIsAtTheNodesInternalIpAndKubeletPort(Agent c) {
        assertThat(PodConnections.agent(c.node())).isEqualTo(URI.create(c.url()));
    }

    @Test
    void aNodeWithoutInternalIpCannotBeReached() {
        Node node = node().withNewStatus().addNewAddress().withType("Hostname").withAddress("node-1").endAddress()
                .endStatus().build();

        ApiException e = catchThrowableOfType(ApiException.class, () -> PodConnections.agent(node));

        assertThat(e.code()).isEqualTo(500);
        assertThat(e.getMessage()).contains("node \"node-1\" has no InternalIP address").contains("Hostname=node-1");
    }

    private static void assertBadRequest(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        ApiException e = catchThrowableOfType(ApiException.class, call);
        assertThat(e).as(message).isNotNull();
        assertThat(e.code()).isEqualTo(400);
        assertThat(e.reason()).isEqualTo("BadRequest");
        assertThat(e.getMessage()).isEqualTo(message);
    }
}
