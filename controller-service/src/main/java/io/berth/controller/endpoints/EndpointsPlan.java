package io.berth.controller.endpoints;

import io.berth.controller.endpoints.Subsets.Address;
import io.berth.controller.endpoints.Subsets.Entry;
import io.berth.controller.endpoints.Subsets.Port;
import io.berth.controller.endpoints.Subsets.Ref;
import io.berth.controller.endpoints.Subsets.Subset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static io.berth.controller.endpoints.PodEndpoints.emptyToNull;

/**
 * What the Endpoints controller does for one Service (Kubernetes' {@code syncService}), as a pure function of the
 * Service, its selected pods and the Endpoints object in the cache. Thread safe.
 */
final class EndpointsPlan {

    /** Set to {@code truncated} when the Endpoints hold only {@value Subsets#MAX_CAPACITY} of more addresses. */
    static final String OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity";

    /** What to write. */
    sealed interface Action {
    }

    /** Nothing: up to date, or not this controller's to manage. */
    record None(String reason) implements Action {
    }

    record Create(Endpoints endpoints) implements Action {
    }

    /** A replacement carrying the cached object's resourceVersion (optimistic concurrency). */
    record Update(Endpoints endpoints) implements Action {
    }

    /** The Service is gone: so are its Endpoints. */
    record Delete(String namespace, String name) implements Action {
    }

    private EndpointsPlan() {
    }

    /**
     * The action for the Service {@code namespace/name}.
     *
     * @param service     the Service, null when it is gone
     * @param pods        the pods its selector matches (any order)
     * @param current     its Endpoints as cached, or null
     * @param triggerTime the {@link TriggerTimeTracker}'s answer for this sync, or null; written only with other
     *                    changes, never on its own
     */
    static Action plan(String namespace, String name, Service service, List<Pod> pods, Endpoints current,
                       Instant triggerTime) {
        if (service == null) {
            return current == null ? new None("service and endpoints are gone") : new Delete(namespace, name);
        }
        if (PodEndpoints.isExternalName(service)) {
            return new None("ExternalName services get no endpoints");
        }
        if (!PodEndpoints.hasSelector(service)) {
            return new None("services without a selector have user-managed endpoints");
        }
        Subsets.Truncated desired = Subsets.truncate(desiredSubsets(service, pods), Subsets.MAX_CAPACITY);
        Map<String, String> labels = labels(service);
        if (current != null && Subsets.of(current.getSubsets()).equals(desired.subsets())
                && labels.equals(orEmpty(current.getMetadata().getLabels()))
                && annotations(current).containsKey(OVER_CAPACITY) == desired.truncated()) {
            return new None("up to date");
        }
        Map<String, String> annotations = new LinkedHashMap<>(current == null ? Map.of() : annotations(current));
        if (triggerTime != null) {
            annotations.put(PodEndpoints.LAST_CHANGE_TRIGGER_TIME, DateTimeFormatter.ISO_INSTANT.format(triggerTime));
        } else {
            annotations.remove(PodEndpoints.LAST_CHANGE_TRIGGER_TIME);
        }
        if (desired.truncated()) {
            annotations.put(OVER_CAPACITY, "truncated");
        } else {
            annotations.remove(OVER_CAPACITY);
        }
        if (current == null) {
            return new Create(new EndpointsBuilder()
                    .withNewMetadata().withNamespace(service.getMetadata().getNamespace())
                    .withName(service.getMetadata().getName()).withLabels(labels).withAnnotations(annotations)
                    .endMetadata()
                    .withSubsets(Subsets.toModel(desired.subsets()))
                    .build());
        }
        return new Update(new EndpointsBuilder(current)
                .editMetadata().withLabels(labels).withAnnotations(annotations).endMetadata()
                .withSubsets(Subsets.toModel(desired.subsets()))
                .build());
    }

    /**
     * The repacked subsets: every pod that should be in the Endpoints, ready ones (or all with
     * {@code publishNotReadyAddresses}) as addresses, the others as not-ready addresses, once per service port whose
     * target the pod has; a headless Service without ports lists its pods without ports.
     */
    static List<Subset> desiredSubsets(Service service, List<Pod> pods) {
        boolean publishNotReady = PodEndpoints.publishNotReadyAddresses(service);
        List<ServicePort> ports = PodEndpoints.ports(service);
        List<Entry> entries = new ArrayList<>();
        for (Pod pod : pods) {
            if (!PodEndpoints.shouldBeInEndpoints(pod, publishNotReady)) {
                continue;
            }
            String ip = ip(service, pod);
            if (ip == null) {
                continue;
            }
            Address address = new Address(ip,
                    PodEndpoints.shouldSetHostname(pod, service) ? pod.getSpec().getHostname() : null,
                    emptyToNull(pod.getSpec() == null ? null : pod.getSpec().getNodeName()),
                    new Ref(null, "Pod", pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                            emptyToNull(pod.getMetadata().getUid()), null));
            boolean ready = publishNotReady || PodEndpoints.isReady(pod);
            if (ports.isEmpty()) {
                if ("None".equals(service.getSpec().getClusterIP())) {
                    entries.add(new Entry(address, ready, null));
                }
                continue;
            }
            for (ServicePort sp : ports) {
                OptionalInt port = PodEndpoints.findPort(pod, sp);
                if (port.isEmpty()) {
                    continue;
                }
                entries.add(new Entry(address, ready, new Port(emptyToNull(sp.getName()), port.getAsInt(),
                        PodEndpoints.protocol(sp.getProtocol()), emptyToNull(sp.getAppProtocol()))));
            }
        }
        return Subsets.repack(entries);
    }

    /**
     * The pod's IP of the Service's (first) IP family, as Kubernetes' {@code podToEndpointAddressForService}; without
     * families, the family of the cluster IP, or for a headless Service of the pod's IP.
     */
    private static String ip(Service service, Pod pod) {
        boolean ipv6;
        List<String> families = service.getSpec().getIpFamilies();
        if (families != null && !families.isEmpty()) {
            ipv6 = "IPv6".equals(families.get(0));
        } else if (PodEndpoints.isServiceIpSet(service)) {
            ipv6 = PodEndpoints.isIpv6(service.getSpec().getClusterIP());
        } else {
            String podIp = pod.getStatus().getPodIP();
            ipv6 = podIp != null && PodEndpoints.isIpv6(podIp);
        }
        for (String ip : PodEndpoints.podIps(pod)) {
            if (PodEndpoints.isIpv6(ip) == ipv6) {
                return ip;
            }
        }
        return null;
    }

    /** The Service's labels, plus the headless label when it has no cluster IP. */
    static Map<String, String> labels(Service service) {
        Map<String, String> labels = new LinkedHashMap<>(orEmpty(service.getMetadata().getLabels()));
        if (PodEndpoints.isServiceIpSet(service)) {
            labels.remove(PodEndpoints.LABEL_HEADLESS);
        } else {
            labels.put(PodEndpoints.LABEL_HEADLESS, "");
        }
        return labels;
    }

    private static Map<String, String> annotations(Endpoints endpoints) {
        return orEmpty(endpoints.getMetadata().getAnnotations());
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }
}
