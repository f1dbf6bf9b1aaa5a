package io.berth.controller.endpoints;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Which pods back a Service, and at which address and ports: the rules the Endpoints and the EndpointSlice
 * controllers share (Kubernetes' {@code k8s.io/endpointslice/util} and {@code podutil.FindPort}). Pure functions of
 * cache objects, which they never change; thread safe.
 */
public final class PodEndpoints {

    /** Set (empty) on the Endpoints and EndpointSlices of a Service without a cluster IP. */
    public static final String LABEL_HEADLESS = "service.kubernetes.io/headless";
    /** When the change this Endpoints (or EndpointSlice) write reflects happened (RFC 3339). */
    public static final String LAST_CHANGE_TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time";

    private PodEndpoints() {
    }

    /**
     * Kubernetes' {@code ShouldPodBeInEndpoints}: a pod that has an IP and is not terminal (Succeeded or Failed);
     * a pod being deleted only when {@code includeTerminating}.
     */
    public static boolean shouldBeInEndpoints(Pod pod, boolean includeTerminating) {
        if (isTerminal(pod)) {
            return false;
        }
        if (podIps(pod).isEmpty()) {
            return false;
        }
        return includeTerminating || !isTerminating(pod);
    }

    /** Succeeded or Failed: its containers have stopped for good. */
    public static boolean isTerminal(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    /** Being deleted (the deletionTimestamp is set), which Kubernetes calls terminating. */
    public static boolean isTerminating(Pod pod) {
        String ts = pod.getMetadata().getDeletionTimestamp();
        return ts != null && !ts.isEmpty();
    }

    /** Its {@code Ready} condition is {@code True}. */
    public static boolean isReady(Pod pod) {
        PodCondition ready = readyCondition(pod);
        return ready != null && "True".equals(ready.getStatus());
    }

    /** The pod's {@code Ready} condition, or null. */
    public static PodCondition readyCondition(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return null;
        }
        for (PodCondition c : pod.getStatus().getConditions()) {
            if ("Ready".equals(c.getType())) {
                return c;
            }
        }
        return null;
    }

    /** The pod's IPs: {@code status.podIPs}, else {@code status.podIP}. */
    public static List<String> podIps(Pod pod) {
        List<String> ips = new ArrayList<>();
        if (pod.getStatus() == null) {
            return ips;
        }
        if (pod.getStatus().getPodIPs() != null) {
            for (PodIP ip : pod.getStatus().getPodIPs()) {
                if (ip.getIp() != null && !ip.getIp().isEmpty()) {
                    ips.add(ip.getIp());
                }
            }
        }
        if (ips.isEmpty() && pod.getStatus().getPodIP() != null && !pod.getStatus().getPodIP().isEmpty()) {
            ips.add(pod.getStatus().getPodIP());
        }
        return ips;
    }

    public static boolean isIpv6(String ip) {
        return ip.indexOf(':') >= 0;
    }

    /** The pod's first IPv4 address, or null. */
    public static String ipv4(Pod pod) {
        return podIps(pod).stream().filter(ip -> !isIpv6(ip)).findFirst().orElse(null);
    }

    /**
     * Kubernetes' {@code ShouldSetHostname}: the pod asked for a hostname in a subdomain named after this Service,
     * in the Service's namespace (a StatefulSet's pods under its headless Service).
     */
    public static boolean shouldSetHostname(Pod pod, Service service) {
        String hostname = pod.getSpec() == null ? null : pod.getSpec().getHostname();
        String subdomain = pod.getSpec() == null ? null : pod.getSpec().getSubdomain();
        return hostname != null && !hostname.isEmpty()
                && Objects.equals(subdomain, service.getMetadata().getName())
                && Objects.equals(service.getMetadata().getNamespace(), pod.getMetadata().getNamespace());
    }

    /**
     * Kubernetes' {@code FindPort}: the pod's port behind a service port. A numeric target port is taken as it is
     * (none: the service port); a named one is looked up among the ports of the pod's containers and sidecars
     * (init containers with {@code restartPolicy: Always}) with that name and the service port's protocol.
     *
     * @return the port, or empty when the pod has no port of that name
     */
    public static OptionalInt findPort(Pod pod, ServicePort servicePort) {
        IntOrString target = servicePort.getTargetPort();
        String name = target == null ? null : target.getStrVal();
        if (name == null) {
            Integer number = target == null ? null : target.getIntVal();
            if (number == null || number == 0) {
                number = servicePort.getPort();
            }
            return number == null ? OptionalInt.empty() : OptionalInt.of(number);
        }
        String protocol = protocol(servicePort.getProtocol());
        if (pod.getSpec() == null) {
            return OptionalInt.empty();
        }
        OptionalInt found = findNamed(pod.getSpec().getContainers(), name, protocol, false);
        return found.isPresent() ? found : findNamed(pod.getSpec().getInitContainers(), name, protocol, true);
    }

    private static OptionalInt findNamed(List<Container> containers, String name, String protocol,
                                         boolean sidecarsOnly) {
        if (containers == null) {
            return OptionalInt.empty();
        }
        for (Container c : containers) {
            if (sidecarsOnly && !"Always".equals(c.getRestartPolicy())) {
                continue;
            }
            if (c.getPorts() == null) {
                continue;
            }
            for (ContainerPort p : c.getPorts()) {
                if (name.equals(p.getName()) && protocol.equals(protocol(p.getProtocol()))
                        && p.getContainerPort() != null) {
                    return OptionalInt.of(p.getContainerPort());
                }
            }
        }
        return OptionalInt.empty();
    }

    /** A port's protocol with the API's default ({@code TCP}) for none. */
    public static String protocol(String protocol) {
        return protocol == null || protocol.isEmpty() ? "TCP" : protocol;
    }

    /**
     * Whether the Service selects pods at all. An empty selector is none: Kubernetes drops {@code selector: {}} on
     * the way into storage, so such a Service's endpoints are managed by its user.
     */
    public static boolean hasSelector(Service service) {
        Map<String, String> selector = service.getSpec() == null ? null : service.getSpec().getSelector();
        return selector != null && !selector.isEmpty();
    }

    /** Whether the Service's selector matches {@code labels} (every selector pair is among them). */
    public static boolean selects(Service service, Map<String, String> labels) {
        if (!hasSelector(service)) {
            return false;
        }
        Map<String, String> have = labels == null ? Map.of() : labels;
        for (Map.Entry<String, String> e : service.getSpec().getSelector().entrySet()) {
            if (!Objects.equals(have.get(e.getKey()), e.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** Whether the Service has a cluster IP (not headless). */
    public static boolean isServiceIpSet(Service service) {
        String ip = service.getSpec() == null ? null : service.getSpec().getClusterIP();
        return ip != null && !ip.isEmpty() && !"None".equals(ip);
    }

    /** ExternalName Services get no endpoints from either controller. */
    public static boolean isExternalName(Service service) {
        return service.getSpec() != null && "ExternalName".equals(service.getSpec().getType());
    }

    public static boolean publishNotReadyAddresses(Service service) {
        return service.getSpec() != null && Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses());
    }

    /** The Service's ports, never null. */
    public static List<ServicePort> ports(Service service) {
        List<ServicePort> ports = service.getSpec() == null ? null : service.getSpec().getPorts();
        return ports == null ? List.of() : ports;
    }

    /** An empty string as null: the API omits empty strings, so both mean "not set". */
    public static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
