package io.berth.node.volumes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The downward API's values for volumes: {@code fieldRef} (metadata.name, namespace, uid, labels, annotations,
 * {@code labels['k']}, ...) and {@code resourceFieldRef} with its divisor, formatted as the kubelet does. Pure.
 */
public final class DownwardApi {

    private DownwardApi() {
    }

    public static String field(Pod pod, ObjectFieldSelector ref) {
        String path = ref.getFieldPath();
        var meta = pod.getMetadata();
        if (path.startsWith("metadata.labels['") && path.endsWith("']")) {
            return map(meta.getLabels()).getOrDefault(path.substring(17, path.length() - 2), "");
        }
        if (path.startsWith("metadata.annotations['") && path.endsWith("']")) {
            return map(meta.getAnnotations()).getOrDefault(path.substring(22, path.length() - 2), "");
        }
        return switch (path) {
            case "metadata.name" -> meta.getName();
            case "metadata.namespace" -> meta.getNamespace();
            case "metadata.uid" -> meta.getUid();
            case "metadata.labels" -> format(meta.getLabels());
            case "metadata.annotations" -> format(meta.getAnnotations());
            case "spec.nodeName" -> nz(pod.getSpec().getNodeName());
            case "spec.serviceAccountName" -> nz(pod.getSpec().getServiceAccountName());
            case "status.podIP" -> pod.getStatus() == null ? "" : nz(pod.getStatus().getPodIP());
            case "status.hostIP" -> pod.getStatus() == null ? "" : nz(pod.getStatus().getHostIP());
            default -> throw new VolumeFailure("unsupported fieldPath: " + path);
        };
    }

    /** A container's resource, divided by the divisor and rounded up, as Kubernetes' ExtractContainerResourceValue. */
    public static String resource(Pod pod, ResourceFieldSelector ref, Map<String, Quantity> nodeAllocatable) {
        Container c = pod.getSpec().getContainers().stream()
                .filter(x -> ref.getContainerName() == null || ref.getContainerName().isEmpty()
                        || x.getName().equals(ref.getContainerName()))
                .findFirst().orElseThrow(() -> new VolumeFailure("container " + ref.getContainerName()
                        + " not found in pod " + pod.getMetadata().getName()));
        String resource = ref.getResource();
        String[] parts = resource.split("\\.", 2);
        Map<String, Quantity> values = c.getResources() == null ? null : parts[0].equals("limits")
                ? c.getResources().getLimits() : c.getResources().getRequests();
        Quantity q = values == null ? null : values.get(parts[1]);
        if (q == null && parts[0].equals("limits")) {
            q = nodeAllocatable.get(parts[1]); // an unset limit is the node's allocatable
        }
        BigDecimal amount = q == null ? BigDecimal.ZERO : Quantity.getAmountInBytes(q);
        BigDecimal divisor = ref.getDivisor() == null ? BigDecimal.ONE : Quantity.getAmountInBytes(ref.getDivisor());
        if (divisor.signum() == 0) {
            divisor = BigDecimal.ONE;
        }
        return amount.divide(divisor, 0, RoundingMode.CEILING).toPlainString();
    }

    /** {@code key="value"} lines sorted by key, as the kubelet writes labels and annotations. */
    static String format(Map<String, String> m) {
        return new TreeMap<>(map(m)).entrySet().stream()
                .map(e -> e.getKey() + "=\"" + e.getValue().replace("\\", "\\\\").replace("\"", "\\\"")
                        .replace("\n", "\\n") + "\"")
                .collect(Collectors.joining("\n"));
    }

    private static Map<String, String> map(Map<String, String> m) {
        return m == null ? Map.of() : m;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
