package io.berth.apiserver.rest;

import io.berth.apimachinery.errors.StatusErrors;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a {@code pods/log} or {@code pods/exec} request goes, decided from the stored Pod and Node with Kubernetes'
 * rules and words: the container (named, or the pod's only one), the node it is bound to, whether the container's
 * reported status allows the request (the kubelet's {@code validateContainerLogStatus}), and the node agent's base
 * URL from {@code status.addresses[InternalIP]} and {@code status.daemonEndpoints.kubeletEndpoint.Port}. Every
 * refusal is an ApiException with Kubernetes' code and message. Stateless.
 */
final class PodConnections {

    /** The kubelet's port, used when a Node publishes none (as Kubernetes does). */
    static final int DEFAULT_AGENT_PORT = 10250;

    private PodConnections() {
    }

    /** The container a request addresses: {@code requested} if the pod has it, else the pod's only container. */
    static String container(Pod pod, String requested) {
        String name = pod.getMetadata().getName();
        PodSpec spec = pod.getSpec();
        List<String> containers = names(spec == null ? null : spec.getContainers());
        if (requested == null || requested.isEmpty()) {
            if (containers.size() == 1) {
                return containers.get(0);
            }
            if (containers.isEmpty()) {
                throw StatusErrors.badRequest("a container name must be specified for pod " + name);
            }
            String message = "a container name must be specified for pod " + name + ", choose one of: ["
                    + String.join(" ", containers) + "]";
            List<String> init = names(spec.getInitContainers());
            if (!init.isEmpty()) {
                message += " or one of the init containers: [" + String.join(" ", init) + "]";
            }
            throw StatusErrors.badRequest(message);
        }
        boolean known = containers.contains(requested)
                || (spec != null && names(spec.getInitContainers()).contains(requested))
                || (spec != null && spec.getEphemeralContainers() != null && spec.getEphemeralContainers().stream()
                .map(EphemeralContainer::getName).anyMatch(requested::equals));
        if (!known) {
            throw StatusErrors.badRequest("container " + requested + " is not valid for pod " + name);
        }
        return requested;
    }

    /** The node the pod is bound to; 400 while it is not bound. */
    static String nodeName(Pod pod) {
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (node == null || node.isEmpty()) {
            throw StatusErrors.badRequest("pod " + pod.getMetadata().getName() + " does not have a host assigned");
        }
        return node;
    }

    /**
     * Whether the container has logs to read, from the status its node reported, as the kubelet decides: the
     * previous run needs a terminated last state; a running or terminated run (or a terminated last state) has
     * logs; a waiting one has none yet.
     */
    static void checkLogs(Pod pod, String container, boolean previous) {
        String name = pod.getMetadata().getName();
        ContainerStatus status = status(pod, container);
        String quoted = "container \"" + container + "\" in pod \"" + name + "\"";
        if (status == null) {
            throw StatusErrors.badRequest(quoted + " is not available");
        }
        var state = status.getState();
        ContainerStateTerminated last = status.getLastState() == null ? null : status.getLastState().getTerminated();
        if (previous) {
            if (last == null || empty(last.getContainerID())) {
                throw StatusErrors.badRequest("previous terminated " + quoted + " not found");
            }
            return;
        }
        if (state != null && state.getRunning() != null) {
            return;
        }
        if (state != null && state.getTerminated() != null) {
            if (empty(state.getTerminated().getContainerID()) && (last == null || empty(last.getContainerID()))) {
                throw StatusErrors.badRequest(quoted + " is terminated");
            }
            return;
        }
        if (last != null) {
            if (empty(last.getContainerID())) {
                throw StatusErrors.badRequest(quoted + " is terminated");
            }
            return;
        }
        if (state != null && state.getWaiting() != null) {
            String reason = state.getWaiting().getReason();
            String why = switch (reason == null ? "" : reason) {
                case "ErrImagePull" -> "image can't be pulled";
                case "ImagePullBackOff" -> "trying and failing to pull image";
                default -> reason;
            };
            throw StatusErrors.badRequest(quoted + " is waiting to start: " + why);
        }
        throw StatusErrors.badRequest(quoted + " is waiting to start - no logs yet");
    }

    /** Exec needs the container running now, by the status its node reported. */
    static void checkRunning(Pod pod, String container) {
        String quoted = "container \"" + container + "\" in pod \"" + pod.getMetadata().getName() + "\"";
        ContainerStatus status = status(pod, container);
        if (status == null) {
            throw StatusErrors.badRequest(quoted + " is not available");
        }
        var state = status.getState();
        if (state != null && state.getRunning() != null) {
            return;
        }
        if (state != null && state.getWaiting() != null) {
            throw StatusErrors.badRequest(quoted + " is waiting to start: " + state.getWaiting().getReason());
        }
        throw StatusErrors.badRequest(quoted + " is not running");
    }

    /**
     * {@code https://<InternalIP>:<kubelet port>} of the node's agent. A node that publishes no InternalIP cannot be
     * reached: 500, as Kubernetes answers when it finds no address.
     */
    static URI agent(Node node) {
        String name = node.getMetadata().getName();
        List<NodeAddress> addresses = node.getStatus() == null || node.getStatus().getAddresses() == null
                ? List.of() : node.getStatus().getAddresses();
        String ip = addresses.stream().filter(a -> "InternalIP".equals(a.getType())).map(NodeAddress::getAddress)
                .filter(a -> a != null && !a.isEmpty()).findFirst()
                .orElseThrow(() -> StatusErrors.internal("node \"" + name + "\" has no InternalIP address in its "
                        + "status; known addresses: " + addresses.stream()
                        .map(a -> a.getType() + "=" + a.getAddress()).toList()));
        Integer port = node.getStatus().getDaemonEndpoints() == null
                || node.getStatus().getDaemonEndpoints().getKubeletEndpoint() == null ? null
                : node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort();
        String host = ip.contains(":") ? "[" + ip + "]" : ip;
        return URI.create("https://" + host + ":" + (port == null || port <= 0 ? DEFAULT_AGENT_PORT : port));
    }

    private static ContainerStatus status(Pod pod, String container) {
        PodStatus status = pod.getStatus();
        if (status == null) {
            return null;
        }
        return Stream.of(status.getContainerStatuses(), status.getInitContainerStatuses(),
                        status.getEphemeralContainerStatuses())
                .filter(list -> list != null)
                .flatMap(List::stream)
                .filter(s -> container.equals(s.getName()))
                .findFirst().orElse(null);
    }

    private static List<String> names(List<Container> containers) {
        List<String> names = new ArrayList<>();
        if (containers != null) {
            containers.forEach(c -> names.add(c.getName()));
        }
        return names;
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }
}
