package io.berth.controller.endpoints;

import io.berth.controller.runtime.Keys;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Lister;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Which Services a pod event concerns (Kubernetes' {@code GetPodServiceMemberships} and
 * {@code GetServicesToUpdateOnPodChange}), for the pod handlers of the Endpoints and EndpointSlice controllers.
 * Pure functions and a handler that only enqueues; thread safe.
 */
public final class ServiceMembership {

    private ServiceMembership() {
    }

    /**
     * A pod handler that enqueues the key of every Service in the pod's namespace whose selector matches the pod: on
     * add and delete, its labels; on update, only when the change can move an endpoint, the Services that matched
     * the old labels, the new ones, or both ({@link #servicesToUpdate}).
     */
    public static ResourceEventHandler<Pod> podHandler(Lister<Service> services, Consumer<String> enqueue) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                servicesFor(inNamespace(services, pod), pod.getMetadata().getLabels()).forEach(enqueue);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                servicesToUpdate(inNamespace(services, pod), old, pod).forEach(enqueue);
            }

            @Override
            public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                onAdd(pod);
            }
        };
    }

    private static List<Service> inNamespace(Lister<Service> services, Pod pod) {
        return services.namespace(pod.getMetadata().getNamespace()).list();
    }

    /** Keys of the Services among {@code services} (one namespace) whose selector matches {@code labels}. */
    public static Set<String> servicesFor(Collection<Service> services, Map<String, String> labels) {
        Set<String> keys = new LinkedHashSet<>();
        for (Service s : services) {
            if (PodEndpoints.selects(s, labels)) {
                keys.add(Keys.of(s));
            }
        }
        return keys;
    }

    /**
     * The Services a pod update concerns. None when the update cannot change an endpoint (same resourceVersion, or
     * neither labels, hostname, subdomain, deletion, readiness nor IPs changed); when only labels changed, the
     * Services the pod joined or left; when labels and the endpoint changed, every Service of the old or new labels.
     */
    public static Set<String> servicesToUpdate(Collection<Service> services, Pod old, Pod pod) {
        if (Objects.equals(old.getMetadata().getResourceVersion(), pod.getMetadata().getResourceVersion())) {
            return Set.of();
        }
        boolean labelsChanged = labelsChanged(old, pod);
        boolean podChanged = endpointChanged(old, pod);
        if (!labelsChanged && !podChanged) {
            return Set.of();
        }
        Set<String> now = servicesFor(services, pod.getMetadata().getLabels());
        if (!labelsChanged) {
            return now;
        }
        Set<String> before = servicesFor(services, old.getMetadata().getLabels());
        Set<String> result = new LinkedHashSet<>(now);
        if (podChanged) {
            result.addAll(before);
            return result;
        }
        // only the labels changed: the pod's endpoint is the same in the Services it stays in
        result.removeAll(before);
        for (String key : before) {
            if (!now.contains(key)) {
                result.add(key);
            }
        }
        return result;
    }

    /** Labels, hostname or subdomain changed: the pod may match other Services, or carry another hostname. */
    static boolean labelsChanged(Pod old, Pod pod) {
        return !Objects.equals(labels(old), labels(pod))
                || !Objects.equals(spec(old, true), spec(pod, true))
                || !Objects.equals(spec(old, false), spec(pod, false));
    }

    /** Deletion started, readiness flipped or the IPs changed: the pod's endpoint itself changed. */
    static boolean endpointChanged(Pod old, Pod pod) {
        if (!Objects.equals(old.getMetadata().getDeletionTimestamp(), pod.getMetadata().getDeletionTimestamp())) {
            return true;
        }
        if (PodEndpoints.isReady(old) != PodEndpoints.isReady(pod)) {
            return true;
        }
        return !ips(old).equals(ips(pod));
    }

    private static Map<String, String> labels(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return labels == null ? Map.of() : labels;
    }

    private static String spec(Pod pod, boolean hostname) {
        if (pod.getSpec() == null) {
            return null;
        }
        return PodEndpoints.emptyToNull(hostname ? pod.getSpec().getHostname() : pod.getSpec().getSubdomain());
    }

    private static List<String> ips(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getPodIPs() == null) {
            return List.of();
        }
        return pod.getStatus().getPodIPs().stream().map(PodIP::getIp).toList();
    }
}
