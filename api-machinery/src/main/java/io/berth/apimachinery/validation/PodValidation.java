package io.berth.apimachinery.validation;

import io.berth.apimachinery.errors.FieldError;
import io.berth.apimachinery.json.Json;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PodSpec rules (Kubernetes' {@code ValidatePodSpec}), shared by pods and the pod templates of workloads.
 * Runs after defaulting: unset fields that Kubernetes defaults (restartPolicy, dnsPolicy, protocol, ...) are valid.
 */
final class PodValidation {

    static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");
    private static final List<String> DNS_POLICIES = List.of("ClusterFirstWithHostNet", "ClusterFirst", "Default",
            "None");
    private static final List<String> TAINT_EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");
    private static final List<String> PREEMPTION_POLICIES = List.of("PreemptLowerPriority", "Never");

    private PodValidation() {
    }

    static List<FieldError> validateTemplate(PodTemplateSpec template, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        ObjectMeta meta = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        // Kubernetes reports template labels at template.labels, not template.metadata.labels
        errs.addAll(MetaValidation.validateLabels(meta.getLabels(), path.child("labels")));
        errs.addAll(MetaValidation.validateAnnotations(meta.getAnnotations(), path.child("annotations")));
        PodSpec spec = template.getSpec() == null ? new PodSpec() : template.getSpec();
        errs.addAll(validateSpec(spec, path.child("spec")));
        if (!Errs.list(spec.getEphemeralContainers()).isEmpty()) {
            errs.add(Errs.forbidden(path.child("spec", "ephemeralContainers"),
                    "ephemeral containers not allowed in pod template"));
        }
        return errs;
    }

    static List<FieldError> validateSpec(PodSpec spec, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        Set<String> volumes = validateVolumes(Errs.list(spec.getVolumes()), path.child("volumes"), errs);
        List<Container> containers = Errs.list(spec.getContainers());
        List<Container> initContainers = Errs.list(spec.getInitContainers());
        errs.addAll(validateContainers(containers, volumes, path.child("containers")));
        errs.addAll(validateInitContainers(initContainers, containers, volumes, path.child("initContainers")));
        errs.addAll(validateHostNetwork(spec, path));
        oneOf(errs, spec.getRestartPolicy(), RESTART_POLICIES, path.child("restartPolicy"));
        oneOf(errs, spec.getDnsPolicy(), DNS_POLICIES, path.child("dnsPolicy"));
        if ("None".equals(spec.getDnsPolicy()) && spec.getDnsConfig() == null) {
            errs.add(Errs.required(path.child("dnsConfig"), "must provide `dnsConfig` when `dnsPolicy` is None"));
        }
        errs.addAll(MetaValidation.validateLabels(spec.getNodeSelector(), path.child("nodeSelector")));
        if (!Errs.isEmpty(spec.getServiceAccountName())) {
            Errs.invalidEach(errs, path.child("serviceAccountName"), spec.getServiceAccountName(),
                    NameValidation.isDns1123Subdomain(spec.getServiceAccountName()));
        }
        if (!Errs.isEmpty(spec.getNodeName())) {
            Errs.invalidEach(errs, path.child("nodeName"), spec.getNodeName(),
                    NameValidation.isDns1123Subdomain(spec.getNodeName()));
        }
        if (spec.getActiveDeadlineSeconds() != null) {
            long v = spec.getActiveDeadlineSeconds();
            if (v < 1 || v > Integer.MAX_VALUE) {
                errs.add(Errs.invalid(path.child("activeDeadlineSeconds"), v,
                        NameValidation.inclusiveRangeError(1, Integer.MAX_VALUE)));
            }
        }
        if (!Errs.isEmpty(spec.getHostname())) {
            Errs.invalidEach(errs, path.child("hostname"), spec.getHostname(),
                    NameValidation.isDns1123Label(spec.getHostname()));
        }
        if (!Errs.isEmpty(spec.getSubdomain())) {
            Errs.invalidEach(errs, path.child("subdomain"), spec.getSubdomain(),
                    NameValidation.isDns1123Label(spec.getSubdomain()));
        }
        errs.addAll(validateTolerations(Errs.list(spec.getTolerations()), path.child("tolerations")));
        if (!Errs.isEmpty(spec.getPriorityClassName())) {
            Errs.invalidEach(errs, path.child("priorityClassName"), spec.getPriorityClassName(),
                    NameValidation.isDns1123Subdomain(spec.getPriorityClassName()));
        }
        if (spec.getPreemptionPolicy() != null) {
            oneOf(errs, spec.getPreemptionPolicy(), PREEMPTION_POLICIES, path.child("preemptionPolicy"));
        }
        return errs;
    }

    /** Returns the names of the valid volumes, which volume mounts may refer to. */
    private static Set<String> validateVolumes(List<Volume> volumes, FieldPath path, List<FieldError> errs) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < volumes.size(); i++) {
            Volume vol = volumes.get(i);
            FieldPath idx = path.index(i);
            FieldPath namePath = idx.child("name");
            List<FieldError> el = new ArrayList<>(validateVolumeSource(vol, idx));
            if (Errs.isEmpty(vol.getName())) {
                el.add(Errs.required(namePath, ""));
            } else {
                Errs.invalidEach(el, namePath, vol.getName(), NameValidation.isDns1123Label(vol.getName()));
            }
            if (names.contains(vol.getName())) {
                el.add(Errs.duplicate(namePath, vol.getName()));
            }
            if (el.isEmpty()) {
                names.add(vol.getName());
            } else {
                errs.addAll(el);
            }
        }
        return names;
    }

    private static List<FieldError> validateVolumeSource(Volume vol, FieldPath path) {
        ObjectNode tree = Json.toTree(vol);
        tree.remove("name");
        List<String> sources = new ArrayList<>(tree.propertyNames());
        if (sources.isEmpty()) {
            return List.of(Errs.required(path, "must specify a volume type"));
        }
        if (sources.size() > 1) {
            return List.of(Errs.forbidden(path.child(sources.get(1)), "may not specify more than 1 volume type"));
        }
        return List.of();
    }

    private static List<FieldError> validateContainers(List<Container> containers, Set<String> volumes,
                                                       FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (containers.isEmpty()) {
            errs.add(Errs.required(path, ""));
            return errs;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < containers.size(); i++) {
            Container ctr = containers.get(i);
            FieldPath idx = path.index(i);
            errs.addAll(ContainerValidation.validateCommon(ctr, volumes, idx));
            if (!names.add(ctr.getName())) {
                errs.add(Errs.duplicate(idx.child("name"), ctr.getName()));
            }
            if (ctr.getRestartPolicy() != null) {
                errs.add(Errs.forbidden(idx.child("restartPolicy"), "may not be set for non-init containers"));
            }
        }
        errs.addAll(uniqueHostPorts(containers, path));
        return errs;
    }

    private static List<FieldError> validateInitContainers(List<Container> inits, List<Container> others,
                                                           Set<String> volumes, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        others.forEach(c -> names.add(c.getName()));
        for (int i = 0; i < inits.size(); i++) {
            Container ctr = inits.get(i);
            FieldPath idx = path.index(i);
            errs.addAll(ContainerValidation.validateCommon(ctr, volumes, idx));
            boolean sidecar = "Always".equals(ctr.getRestartPolicy());
            if (ctr.getRestartPolicy() != null && !sidecar) {
                errs.add(Errs.notSupported(idx.child("restartPolicy"), ctr.getRestartPolicy(), List.of("Always")));
            }
            if (names.contains(ctr.getName())) {
                errs.add(Errs.duplicate(idx.child("name"), ctr.getName()));
            } else if (!Errs.isEmpty(ctr.getName())) {
                names.add(ctr.getName());
            }
            if (!sidecar) {
                String detail = "may not be set for init containers without restartPolicy=Always";
                if (ctr.getLifecycle() != null) {
                    errs.add(Errs.forbidden(idx.child("lifecycle"), detail));
                }
                if (ctr.getLivenessProbe() != null) {
                    errs.add(Errs.forbidden(idx.child("livenessProbe"), detail));
                }
                if (ctr.getReadinessProbe() != null) {
                    errs.add(Errs.forbidden(idx.child("readinessProbe"), detail));
                }
                if (ctr.getStartupProbe() != null) {
                    errs.add(Errs.forbidden(idx.child("startupProbe"), detail));
                }
            }
        }
        return errs;
    }

    private static List<FieldError> uniqueHostPorts(List<Container> containers, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        Map<String, Boolean> seen = new HashMap<>();
        for (int ci = 0; ci < containers.size(); ci++) {
            List<ContainerPort> ports = Errs.list(containers.get(ci).getPorts());
            for (int pi = 0; pi < ports.size(); pi++) {
                ContainerPort p = ports.get(pi);
                int hostPort = p.getHostPort() == null ? 0 : p.getHostPort();
                if (hostPort == 0) {
                    continue;
                }
                String key = (p.getHostIP() == null ? "" : p.getHostIP()) + "/"
                        + (p.getProtocol() == null ? "TCP" : p.getProtocol()) + "/" + hostPort;
                if (seen.putIfAbsent(key, true) != null) {
                    errs.add(Errs.duplicate(path.index(ci).child("ports").index(pi).child("hostPort"), key));
                }
            }
        }
        return errs;
    }

    private static List<FieldError> validateHostNetwork(PodSpec spec, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (!Boolean.TRUE.equals(spec.getHostNetwork())) {
            return errs;
        }
        List<Container> containers = Errs.list(spec.getContainers());
        for (int i = 0; i < containers.size(); i++) {
            List<ContainerPort> ports = Errs.list(containers.get(i).getPorts());
            for (int j = 0; j < ports.size(); j++) {
                ContainerPort p = ports.get(j);
                // defaulting copies containerPort into an unset hostPort on host-network pods
                if (p.getHostPort() != null && p.getHostPort() != 0 && !p.getHostPort().equals(p.getContainerPort())) {
                    errs.add(Errs.invalid(path.child("containers").index(i).child("ports").index(j)
                            .child("containerPort"), p.getContainerPort(), "must match `hostPort` when `hostNetwork` is true"));
                }
            }
        }
        return errs;
    }

    static List<FieldError> validateTolerations(List<Toleration> tolerations, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        for (int i = 0; i < tolerations.size(); i++) {
            Toleration t = tolerations.get(i);
            FieldPath idx = path.index(i);
            String key = t.getKey() == null ? "" : t.getKey();
            String operator = t.getOperator() == null ? "" : t.getOperator();
            String effect = t.getEffect() == null ? "" : t.getEffect();
            if (!key.isEmpty()) {
                Errs.invalidEach(errs, idx.child("key"), key, NameValidation.isQualifiedName(key));
            }
            if (key.isEmpty() && !operator.equals("Exists")) {
                errs.add(Errs.invalid(idx.child("operator"), operator, "operator must be Exists when `key` is empty,"
                        + " which means \"match all values and all keys\""));
            }
            if (t.getTolerationSeconds() != null && !effect.equals("NoExecute")) {
                errs.add(Errs.invalid(idx.child("effect"), effect,
                        "effect must be 'NoExecute' when `tolerationSeconds` is set"));
            }
            String value = t.getValue() == null ? "" : t.getValue();
            switch (operator) {
                case "Equal", "" -> {
                    List<String> msgs = NameValidation.isValidLabelValue(value);
                    if (!msgs.isEmpty()) {
                        errs.add(Errs.invalid(idx.child("operator"), value, String.join(";", msgs)));
                    }
                }
                case "Exists" -> {
                    if (!value.isEmpty()) {
                        errs.add(Errs.invalid(idx.child("operator"), new GoValue("core.Toleration{Key:"
                                + GoValue.quote(key) + ", Operator:\"Exists\", Value:" + GoValue.quote(value) + "}"),
                                "value must be empty when `operator` is 'Exists'"));
                    }
                }
                default -> errs.add(Errs.notSupported(idx.child("operator"), operator, List.of("Equal", "Exists")));
            }
            if (!effect.isEmpty() && !TAINT_EFFECTS.contains(effect)) {
                errs.add(Errs.notSupported(idx.child("effect"), effect, TAINT_EFFECTS));
            }
        }
        return errs;
    }

    /**
     * An enum-like field that Kubernetes defaults: unset (null or "") is the defaulted value, which defaulting fills
     * before validation; anything else must be listed.
     */
    static void oneOf(List<FieldError> errs, String value, List<String> allowed, FieldPath path) {
        if (value != null && !value.isEmpty() && !allowed.contains(value)) {
            errs.add(Errs.notSupported(path, value, allowed));
        }
    }
}
