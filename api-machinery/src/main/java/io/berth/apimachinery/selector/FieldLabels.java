package io.berth.apimachinery.selector;

import io.berth.apimachinery.registry.ResourceType;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The fields of an object that field selectors compare against, valued as Kubernetes' registries value them
 * ({@code ToSelectableFields}): absent strings are {@code ""}, booleans {@code "true"}/{@code "false"}.
 *
 * <p>Also knows which field labels a field selector may name for each resource (Kubernetes' field label conversion
 * functions), which is narrower for some types than the fields computed here.
 *
 * <p>Stateless and thread safe.
 */
public final class FieldLabels {

    private static final Set<String> POD_LABELS = Set.of("metadata.name", "metadata.namespace", "spec.nodeName",
            "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase",
            "status.podIP", "status.nominatedNodeName");
    private static final Set<String> NODE_LABELS = Set.of("metadata.name", "spec.unschedulable");
    private static final Set<String> EVENT_LABELS = Set.of("involvedObject.kind", "involvedObject.namespace",
            "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
            "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type", "metadata.namespace",
            "metadata.name");
    private static final Set<String> NAMESPACE_LABELS = Set.of("status.phase", "metadata.name");
    private static final Set<String> SECRET_LABELS = Set.of("type", "metadata.namespace", "metadata.name");
    private static final Set<String> SERVICE_LABELS = Set.of("metadata.namespace", "metadata.name", "spec.clusterIP",
            "spec.type");

    private FieldLabels() {
    }

    /** The selectable fields of {@code obj}, which must be of {@code type}. */
    public static Map<String, String> of(ResourceType type, HasMetadata obj) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("metadata.name", str(obj.getMetadata() == null ? null : obj.getMetadata().getName()));
        if (type.namespaced()) {
            fields.put("metadata.namespace", str(obj.getMetadata() == null ? null : obj.getMetadata().getNamespace()));
        }
        if (obj instanceof Pod pod) {
            addPod(fields, pod);
        } else if (obj instanceof Node node) {
            fields.put("spec.unschedulable", String.valueOf(node.getSpec() != null
                    && Boolean.TRUE.equals(node.getSpec().getUnschedulable())));
        } else if (obj instanceof Namespace ns) {
            fields.put("status.phase", str(ns.getStatus() == null ? null : ns.getStatus().getPhase()));
        } else if (obj instanceof Secret secret) {
            fields.put("type", str(secret.getType()));
        } else if (obj instanceof Service svc) {
            fields.put("spec.clusterIP", str(svc.getSpec() == null ? null : svc.getSpec().getClusterIP()));
            fields.put("spec.type", str(svc.getSpec() == null ? null : svc.getSpec().getType()));
        } else if (obj instanceof Event event) {
            addEvent(fields, event);
        } else if (obj instanceof ReplicaSet rs) {
            Integer replicas = rs.getStatus() == null ? null : rs.getStatus().getReplicas();
            fields.put("status.replicas", String.valueOf(replicas == null ? 0 : replicas));
        }
        return fields;
    }

    private static void addPod(Map<String, String> fields, Pod pod) {
        PodSpec spec = pod.getSpec() == null ? new PodSpec() : pod.getSpec();
        PodStatus status = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
        fields.put("spec.nodeName", str(spec.getNodeName()));
        fields.put("spec.restartPolicy", str(spec.getRestartPolicy()));
        fields.put("spec.schedulerName", str(spec.getSchedulerName()));
        fields.put("spec.serviceAccountName", str(spec.getServiceAccountName()));
        fields.put("spec.hostNetwork", String.valueOf(Boolean.TRUE.equals(spec.getHostNetwork())));
        fields.put("status.phase", str(status.getPhase()));
        String podIP = status.getPodIPs() != null && !status.getPodIPs().isEmpty()
                ? status.getPodIPs().get(0).getIp() : status.getPodIP();
        fields.put("status.podIP", str(podIP));
        fields.put("status.nominatedNodeName", str(status.getNominatedNodeName()));
    }

    private static void addEvent(Map<String, String> fields, Event event) {
        ObjectReference ref = event.getInvolvedObject() == null ? new ObjectReference() : event.getInvolvedObject();
        fields.put("involvedObject.kind", str(ref.getKind()));
        fields.put("involvedObject.namespace", str(ref.getNamespace()));
        fields.put("involvedObject.name", str(ref.getName()));
        fields.put("involvedObject.uid", str(ref.getUid()));
        fields.put("involvedObject.apiVersion", str(ref.getApiVersion()));
        fields.put("involvedObject.resourceVersion", str(ref.getResourceVersion()));
        fields.put("involvedObject.fieldPath", str(ref.getFieldPath()));
        fields.put("reason", str(event.getReason()));
        fields.put("reportingComponent", str(event.getReportingComponent()));
        String source = event.getSource() == null ? "" : str(event.getSource().getComponent());
        fields.put("source", source.isEmpty() ? str(event.getReportingComponent()) : source);
        fields.put("type", str(event.getType()));
    }

    /**
     * Kubernetes' field label conversion for {@code type}: the label a selector term names, possibly renamed
     * ({@code spec.host} is {@code spec.nodeName}).
     *
     * @throws IllegalArgumentException with Kubernetes' message when the resource does not support the label
     */
    static String convert(ResourceType type, String label) {
        Set<String> supported = supportedLabels(type);
        if (supported == null) {
            if (label.equals("metadata.name") || label.equals("metadata.namespace")) {
                return label;
            }
            throw new IllegalArgumentException("\"" + label
                    + "\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
        }
        if (type.group().isEmpty() && type.resource().equals("pods") && label.equals("spec.host")) {
            return "spec.nodeName";
        }
        if (!supported.contains(label)) {
            throw new IllegalArgumentException("field label not supported: " + label);
        }
        return label;
    }

    /** The labels a resource's own conversion function accepts, or null when Kubernetes uses the default one. */
    private static Set<String> supportedLabels(ResourceType type) {
        if (!type.group().isEmpty()) {
            return null;
        }
        return switch (type.resource()) {
            case "pods" -> POD_LABELS;
            case "nodes" -> NODE_LABELS;
            case "events" -> EVENT_LABELS;
            case "namespaces" -> NAMESPACE_LABELS;
            case "secrets" -> SECRET_LABELS;
            case "services" -> SERVICE_LABELS;
            default -> null;
        };
    }

    private static String str(String s) {
        return s == null ? "" : s;
    }
}
