package io.berth.controller.endpointslice;

import io.berth.controller.endpoints.PodEndpoints;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.Function;

import static io.berth.controller.endpoints.PodEndpoints.emptyToNull;

/**
 * The endpoints a Service's pods should have in its IPv4 EndpointSlices, grouped by their resolved port set (pods
 * whose named target ports resolve differently go to different slices), as Kubernetes' {@code reconcileByAddressType}
 * builds them. Pure; thread safe.
 */
final class DesiredEndpoints {

    static final String ADDRESS_TYPE = "IPv4";
    /** Where Kubernetes reads a node's zone from. */
    static final String ZONE_LABEL = "topology.kubernetes.io/zone";

    /** A port as slices are grouped by it: absent and empty names and protocols compare equal. */
    record PortKey(String name, int port, String protocol, String appProtocol) {
        static PortKey of(EndpointPort p) {
            return new PortKey(Objects.toString(p.getName(), ""), p.getPort() == null ? 0 : p.getPort(),
                    PodEndpoints.protocol(p.getProtocol()), emptyToNull(p.getAppProtocol()));
        }
    }

    /**
     * What makes two endpoints the same endpoint (Kubernetes hashes these): addresses, hostname and the target's
     * namespace and name. Everything else is compared by {@link #sameBeyondKey}.
     */
    record EndpointKey(List<String> addresses, String hostname, String namespace, String name) {
        static EndpointKey of(Endpoint e) {
            List<String> addresses = e.getAddresses() == null ? List.of()
                    : e.getAddresses().stream().sorted().toList();
            ObjectReference ref = e.getTargetRef();
            return new EndpointKey(addresses, emptyToNull(e.getHostname()),
                    ref == null ? null : emptyToNull(ref.getNamespace()),
                    ref == null ? null : emptyToNull(ref.getName()));
        }
    }

    /** The endpoints of one port set, in pod-name order, and the ports their slices carry. */
    record Group(List<EndpointPort> ports, Map<EndpointKey, Endpoint> endpoints) {
    }

    /**
     * The groups by port set, and the pods left out because their node is unknown (Kubernetes retries those; with
     * {@code publishNotReadyAddresses} they are published anyway).
     */
    record Desired(Map<List<PortKey>, Group> groups, List<String> skipped) {
    }

    private DesiredEndpoints() {
    }

    /**
     * @param nodes the node of a name from the cache, or null when unknown
     */
    static Desired of(Service service, List<Pod> pods, Function<String, Node> nodes) {
        boolean publishNotReady = PodEndpoints.publishNotReadyAddresses(service);
        Map<List<PortKey>, Group> groups = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        List<Pod> ordered = new ArrayList<>(pods);
        ordered.sort(Comparator.comparing(p -> p.getMetadata().getName()));
        for (Pod pod : ordered) {
            if (!PodEndpoints.shouldBeInEndpoints(pod, true)) {
                continue;
            }
            List<EndpointPort> ports = endpointPorts(service, pod);
            Group group = groups.computeIfAbsent(portMapKey(ports), k -> new Group(ports, new LinkedHashMap<>()));
            String nodeName = emptyToNull(pod.getSpec() == null ? null : pod.getSpec().getNodeName());
            Node node = nodeName == null ? null : nodes.apply(nodeName);
            if (node == null && !publishNotReady) {
                skipped.add("skipping Pod " + pod.getMetadata().getName() + " for Service "
                        + service.getMetadata().getNamespace() + "/" + service.getMetadata().getName() + ": Node "
                        + Objects.toString(nodeName, "") + " Not Found");
                continue;
            }
            Endpoint endpoint = endpoint(pod, node, service);
            if (!endpoint.getAddresses().isEmpty()) {
                group.endpoints().put(EndpointKey.of(endpoint), endpoint);
            }
        }
        return new Desired(groups, skipped);
    }

    /**
     * Kubernetes' {@code podToEndpoint}: serving is the pod's readiness, terminating its deletion, and ready is
     * serving and not terminating, or always with {@code publishNotReadyAddresses}.
     */
    static Endpoint endpoint(Pod pod, Node node, Service service) {
        boolean serving = PodEndpoints.isReady(pod);
        boolean terminating = PodEndpoints.isTerminating(pod);
        boolean ready = PodEndpoints.publishNotReadyAddresses(service) || serving && !terminating;
        String zone = node == null || node.getMetadata().getLabels() == null ? null
                : emptyToNull(node.getMetadata().getLabels().get(ZONE_LABEL));
        return new EndpointBuilder()
                .withAddresses(PodEndpoints.podIps(pod).stream().filter(ip -> !PodEndpoints.isIpv6(ip)).toList())
                .withNewConditions().withReady(ready).withServing(serving).withTerminating(terminating)
                .endConditions()
                .withNewTargetRef().withKind("Pod").withNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName()).withUid(emptyToNull(pod.getMetadata().getUid()))
                .endTargetRef()
                .withNodeName(emptyToNull(pod.getSpec() == null ? null : pod.getSpec().getNodeName()))
                .withZone(zone)
                .withHostname(PodEndpoints.shouldSetHostname(pod, service) ? pod.getSpec().getHostname() : null)
                .build();
    }

    /**
     * Kubernetes' {@code getEndpointPorts}: each service port whose target the pod has (named ports resolved on the
     * pod), in the Service's order; none for a headless Service without ports.
     */
    static List<EndpointPort> endpointPorts(Service service, Pod pod) {
        List<EndpointPort> ports = new ArrayList<>();
        for (ServicePort sp : PodEndpoints.ports(service)) {
            OptionalInt port = PodEndpoints.findPort(pod, sp);
            if (port.isEmpty()) {
                continue;
            }
            ports.add(new EndpointPortBuilder().withName(Objects.toString(sp.getName(), ""))
                    .withPort(port.getAsInt()).withProtocol(PodEndpoints.protocol(sp.getProtocol()))
                    .withAppProtocol(emptyToNull(sp.getAppProtocol())).build());
        }
        return ports;
    }

    /** The port set as a key: order does not matter. */
    static List<PortKey> portMapKey(List<EndpointPort> ports) {
        if (ports == null) {
            return List.of();
        }
        return ports.stream().map(PortKey::of)
                .sorted(Comparator.comparing(PortKey::name).thenComparingInt(PortKey::port)
                        .thenComparing(PortKey::protocol).thenComparing(p -> Objects.toString(p.appProtocol(), "")))
                .toList();
    }

    /**
     * Kubernetes' {@code EndpointsEqualBeyondHash}: node, zone, conditions and target (its resourceVersion aside)
     * of two endpoints with the same {@link EndpointKey}.
     */
    static boolean sameBeyondKey(Endpoint a, Endpoint b) {
        if (!Objects.equals(emptyToNull(a.getNodeName()), emptyToNull(b.getNodeName()))
                || !Objects.equals(emptyToNull(a.getZone()), emptyToNull(b.getZone()))) {
            return false;
        }
        if (!Objects.equals(ready(a), ready(b)) || !Objects.equals(serving(a), serving(b))
                || !Objects.equals(terminating(a), terminating(b))) {
            return false;
        }
        return sameTarget(a.getTargetRef(), b.getTargetRef());
    }

    private static Boolean ready(Endpoint e) {
        return e.getConditions() == null ? null : e.getConditions().getReady();
    }

    private static Boolean serving(Endpoint e) {
        return e.getConditions() == null ? null : e.getConditions().getServing();
    }

    private static Boolean terminating(Endpoint e) {
        return e.getConditions() == null ? null : e.getConditions().getTerminating();
    }

    private static boolean sameTarget(ObjectReference a, ObjectReference b) {
        if (a == null || b == null) {
            return a == b;
        }
        return Objects.equals(emptyToNull(a.getApiVersion()), emptyToNull(b.getApiVersion()))
                && Objects.equals(emptyToNull(a.getKind()), emptyToNull(b.getKind()))
                && Objects.equals(emptyToNull(a.getNamespace()), emptyToNull(b.getNamespace()))
                && Objects.equals(emptyToNull(a.getName()), emptyToNull(b.getName()))
                && Objects.equals(emptyToNull(a.getUid()), emptyToNull(b.getUid()))
                && Objects.equals(emptyToNull(a.getFieldPath()), emptyToNull(b.getFieldPath()));
    }
}
