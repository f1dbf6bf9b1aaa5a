package io.berth.node.pods;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The values of {@code valueFrom.fieldRef} and {@code valueFrom.resourceFieldRef} for one container, as the kubelet
 * computes them ({@code podFieldSelectorRuntimeValue}, {@code ExtractContainerResourceValue}). Failures are
 * {@code CreateContainerConfigError}s with the kubelet's messages.
 */
public final class DownwardApi {

    private final Pod pod;
    private final Container container;
    private final ContainerPlanner.Node node;
    private final String podIp;

    public DownwardApi(Pod pod, Container container, ContainerPlanner.Node node, String podIp) {
        this.pod = pod;
        this.container = container;
        this.node = node;
        this.podIp = podIp == null ? "" : podIp;
    }

    public String field(ObjectFieldSelector selector) {
        String version = selector.getApiVersion();
        if (version != null && !version.isEmpty() && !version.equals("v1")) {
            throw ContainerPlanFailure.config("unsupported pod version: " + version);
        }
        String path = Objects.toString(selector.getFieldPath(), "");
        ObjectMeta meta = pod.getMetadata();
        String subscript = subscript(path);
        if (subscript != null) {
            String map = path.substring(0, path.indexOf("['"));
            switch (map) {
                case "metadata.labels":
                    return orEmpty(meta.getLabels()).getOrDefault(subscript, "");
                case "metadata.annotations":
                    return orEmpty(meta.getAnnotations()).getOrDefault(subscript, "");
                default:
                    throw ContainerPlanFailure.config("unsupported fieldPath: " + path);
            }
        }
        return switch (path) {
            case "metadata.name" -> Objects.toString(meta.getName(), "");
            case "metadata.namespace" -> Objects.toString(meta.getNamespace(), "");
            case "metadata.uid" -> Objects.toString(meta.getUid(), "");
            case "metadata.labels" -> formatMap(orEmpty(meta.getLabels()));
            case "metadata.annotations" -> formatMap(orEmpty(meta.getAnnotations()));
            case "spec.nodeName" -> {
                String bound = pod.getSpec().getNodeName();
                yield bound == null || bound.isEmpty() ? node.name() : bound;
            }
            case "spec.serviceAccountName" -> Objects.toString(pod.getSpec().getServiceAccountName(), "");
            case "status.hostIP", "status.hostIPs" -> node.ip();
            case "status.podIP", "status.podIPs" -> podIp;
            default -> throw ContainerPlanFailure.config("unsupported fieldPath: " + path);
        };
    }

    /**
     * A resource of this container divided by the divisor (default 1), rounded up. An unset limit is the node's
     * allocatable amount, as the kubelet's {@code defaultPodLimitsForDownwardAPI} makes it.
     */
    public String resource(ResourceFieldSelector selector) {
        String resource = Objects.toString(selector.getResource(), "");
        Quantity divisor = selector.getDivisor();
        boolean cpu = resource.endsWith(".cpu");
        if (divisor == null || (cpu ? Resources.milliValue(divisor) : Resources.value(divisor)) == 0) {
            divisor = new Quantity("1");
        }
        String name = resource.substring(resource.indexOf('.') + 1);
        Quantity amount = switch (resource) {
            case "limits.cpu", "limits.memory", "limits.ephemeral-storage" -> {
                Quantity limit = Resources.limit(container, name);
                yield limit != null ? limit : node.allocatable().get(name);
            }
            case "requests.cpu", "requests.memory", "requests.ephemeral-storage" -> Resources.request(container, name);
            default -> throw ContainerPlanFailure.config("unsupported container resource : " + resource);
        };
        if (amount == null) {
            return "0";
        }
        long value = cpu ? Resources.milliValue(amount) : Resources.value(amount);
        long per = cpu ? Resources.milliValue(divisor) : Resources.value(divisor);
        return Long.toString(Math.floorDiv(value + per - 1, per));
    }

    /** {@code x} of {@code path['x']}, or null when {@code path} has no subscript (Kubernetes' SplitMaybeSubscriptedPath). */
    private static String subscript(String path) {
        if (!path.endsWith("']")) {
            return null;
        }
        int open = path.indexOf("['");
        return open <= 0 ? null : path.substring(open + 2, path.length() - 2);
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }

    /** {@code key="value"} lines in key order, values quoted as Go's {@code %q} does. */
    private static String formatMap(Map<String, String> map) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append(e.getKey()).append('=').append(quote(e.getValue()));
        }
        return out.toString();
    }

    private static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> out.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }
}
