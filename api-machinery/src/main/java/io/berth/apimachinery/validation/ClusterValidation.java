package io.berth.apimachinery.validation;

import io.berth.apimachinery.errors.FieldError;
import io.berth.apimachinery.scheduling.SystemPriorityClasses;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeItem;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/** Rules for the smaller kinds: Namespace, Node, PriorityClass, Lease, ResourceQuota, LimitRange, Event. */
final class ClusterValidation {

    private static final Set<String> STANDARD_FINALIZERS = Set.of("kubernetes", "orphan", "foregroundDeletion");
    private static final Set<String> STANDARD_QUOTA_RESOURCES = Set.of("cpu", "memory", "ephemeral-storage",
            "requests.cpu", "requests.memory", "requests.storage", "requests.ephemeral-storage", "limits.cpu",
            "limits.memory", "limits.ephemeral-storage", "pods", "resourcequotas", "services",
            "replicationcontrollers", "secrets", "persistentvolumeclaims", "configmaps", "services.nodeports",
            "services.loadbalancers");
    private static final List<String> TAINT_EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");
    private static final List<String> LIMIT_TYPES = List.of("Pod", "Container", "PersistentVolumeClaim");

    private ClusterValidation() {
    }

    static List<FieldError> validateNamespace(Namespace ns) {
        List<FieldError> errs = new ArrayList<>();
        List<String> finalizers = ns.getSpec() == null ? List.of() : Errs.list(ns.getSpec().getFinalizers());
        FieldPath path = FieldPath.of("spec", "finalizers");
        for (String f : finalizers) {
            Errs.invalidEach(errs, path, f, NameValidation.isQualifiedName(f));
            if (!f.contains("/") && !STANDARD_FINALIZERS.contains(f)) {
                errs.add(Errs.invalid(path, f, "name is neither a standard finalizer name nor is it fully qualified"));
            }
        }
        return errs;
    }

    static List<FieldError> validateNode(Node node) {
        List<FieldError> errs = new ArrayList<>();
        NodeSpec spec = node.getSpec() == null ? new NodeSpec() : node.getSpec();
        List<Taint> taints = Errs.list(spec.getTaints());
        // Kubernetes reports taints under metadata.taints
        FieldPath path = FieldPath.of("metadata", "taints");
        Map<String, Set<String>> unique = new TreeMap<>();
        for (int i = 0; i < taints.size(); i++) {
            Taint t = taints.get(i);
            FieldPath idx = path.index(i);
            String key = t.getKey() == null ? "" : t.getKey();
            String value = t.getValue() == null ? "" : t.getValue();
            String effect = t.getEffect() == null ? "" : t.getEffect();
            Errs.invalidEach(errs, idx.child("key"), key, NameValidation.isQualifiedName(key));
            List<String> msgs = NameValidation.isValidLabelValue(value);
            if (!msgs.isEmpty()) {
                errs.add(Errs.invalid(idx.child("value"), value, String.join(";", msgs)));
            }
            if (effect.isEmpty()) {
                errs.add(Errs.required(idx.child("effect"), ""));
            } else if (!TAINT_EFFECTS.contains(effect)) {
                errs.add(Errs.notSupported(idx.child("effect"), effect, TAINT_EFFECTS));
            }
            if (!unique.computeIfAbsent(effect, e -> new HashSet<>()).add(key)) {
                errs.add(new FieldError("FieldValueDuplicate", idx.value(),
                        "Duplicate value: taints must be unique by key and effect pair"));
            }
        }
        List<String> cidrs = Errs.list(spec.getPodCIDRs());
        for (int i = 0; i < cidrs.size(); i++) {
            if (Ips.prefixLength(cidrs.get(i)) < 0) {
                errs.add(Errs.invalid(FieldPath.of("spec", "podCIDRs").index(i), cidrs.get(i),
                        "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
            }
        }
        return errs;
    }

    static List<FieldError> validateNodeUpdate(Node n, Node o) {
        List<FieldError> errs = new ArrayList<>();
        NodeSpec ns = n.getSpec() == null ? new NodeSpec() : n.getSpec();
        NodeSpec os = o.getSpec() == null ? new NodeSpec() : o.getSpec();
        List<String> oldCidrs = Errs.list(os.getPodCIDRs());
        if (!oldCidrs.isEmpty() && !oldCidrs.equals(Errs.list(ns.getPodCIDRs()))) {
            errs.add(Errs.forbidden(FieldPath.of("spec", "podCIDRs"),
                    "node updates may not change podCIDR except from \"\" to valid"));
        }
        if (!Errs.isEmpty(os.getProviderID()) && !Objects.equals(os.getProviderID(), ns.getProviderID())) {
            errs.add(Errs.forbidden(FieldPath.of("spec", "providerID"),
                    "node updates may only set providerID except from \"\" to valid"));
        }
        return errs;
    }

    static List<FieldError> validatePriorityClass(PriorityClass pc) {
        List<FieldError> errs = new ArrayList<>();
        String name = pc.getMetadata() == null || pc.getMetadata().getName() == null ? "" : pc.getMetadata().getName();
        int value = pc.getValue() == null ? 0 : pc.getValue();
        if (name.startsWith(SystemPriorityClasses.PREFIX)) {
            String why = unknownSystemClass(name, value, Boolean.TRUE.equals(pc.getGlobalDefault()));
            if (why != null) {
                errs.add(Errs.forbidden(FieldPath.of("metadata", "name"), "priority class names with '"
                        + SystemPriorityClasses.PREFIX + "' prefix are reserved for system use only. error: " + why));
            }
        } else if (value > SystemPriorityClasses.HIGHEST_USER_DEFINABLE_PRIORITY) {
            errs.add(Errs.forbidden(FieldPath.of("value"), "maximum allowed value of a user defined priority is "
                    + SystemPriorityClasses.HIGHEST_USER_DEFINABLE_PRIORITY));
        }
        if (pc.getPreemptionPolicy() != null) {
            PodValidation.oneOf(errs, pc.getPreemptionPolicy(), List.of("PreemptLowerPriority", "Never"),
                    FieldPath.of("preemptionPolicy"));
        }
        return errs;
    }

    /** Why a {@code system-} class is not one of the system classes exactly (Kubernetes' IsKnownSystemPriorityClass). */
    private static String unknownSystemClass(String name, int value, boolean globalDefault) {
        PriorityClass known = SystemPriorityClasses.find(name).orElse(null);
        if (known == null) {
            return name + " is not a known system priority class";
        }
        if (known.getValue() != value) {
            return "value of " + name + " PriorityClass must be " + known.getValue();
        }
        return globalDefault ? "globalDefault of " + name + " PriorityClass must be false" : null;
    }

    static List<FieldError> validatePriorityClassUpdate(PriorityClass n, PriorityClass o) {
        List<FieldError> errs = new ArrayList<>();
        if (!Objects.equals(n.getValue(), o.getValue())) {
            errs.add(Errs.forbidden(FieldPath.of("value"), "may not be changed in an update."));
        }
        MetaValidation.immutable(errs, n.getPreemptionPolicy(), o.getPreemptionPolicy(),
                FieldPath.of("preemptionPolicy"));
        return errs;
    }

    static List<FieldError> validateLease(Lease lease) {
        List<FieldError> errs = new ArrayList<>();
        LeaseSpec spec = lease.getSpec() == null ? new LeaseSpec() : lease.getSpec();
        if (spec.getLeaseDurationSeconds() != null && spec.getLeaseDurationSeconds() <= 0) {
            errs.add(Errs.invalid(FieldPath.of("spec", "leaseDurationSeconds"), spec.getLeaseDurationSeconds(),
                    "must be greater than 0"));
        }
        if (spec.getLeaseTransitions() != null && spec.getLeaseTransitions() < 0) {
            errs.add(Errs.invalid(FieldPath.of("spec", "leaseTransitions"), spec.getLeaseTransitions(),
                    "must be greater than or equal to 0"));
        }
        return errs;
    }

    static List<FieldError> validateResourceQuota(ResourceQuota quota) {
        List<FieldError> errs = new ArrayList<>();
        Map<String, Quantity> hard = quota.getSpec() == null ? Map.of() : Errs.map(quota.getSpec().getHard());
        for (Map.Entry<String, Quantity> e : new TreeMap<>(hard).entrySet()) {
            FieldPath p = FieldPath.of("spec", "hard").key(e.getKey());
            List<FieldError> nameErrs = new ArrayList<>();
            Errs.invalidEach(nameErrs, p, e.getKey(), NameValidation.isQualifiedName(e.getKey()));
            if (nameErrs.isEmpty() && !e.getKey().contains("/") && !STANDARD_QUOTA_RESOURCES.contains(e.getKey())
                    && !e.getKey().startsWith("hugepages-") && !e.getKey().startsWith("requests.hugepages-")) {
                nameErrs.add(Errs.invalid(p, e.getKey(), "must be a standard resource for quota"));
            }
            errs.addAll(nameErrs);
            errs.addAll(Quantities.validateValue(e.getKey(), e.getValue(), p));
        }
        return errs;
    }

    static List<FieldError> validateLimitRange(LimitRange lr) {
        List<FieldError> errs = new ArrayList<>();
        List<LimitRangeItem> limits = lr.getSpec() == null ? List.of() : Errs.list(lr.getSpec().getLimits());
        for (int i = 0; i < limits.size(); i++) {
            LimitRangeItem item = limits.get(i);
            FieldPath idx = FieldPath.of("spec", "limits").index(i);
            String type = item.getType() == null ? "" : item.getType();
            if (type.isEmpty()) {
                errs.add(Errs.required(idx.child("type"), ""));
            } else if (!LIMIT_TYPES.contains(type) && !type.contains("/")) {
                errs.add(Errs.notSupported(idx.child("type"), type, LIMIT_TYPES));
            }
            quantities(errs, item.getMax(), idx.child("max"));
            quantities(errs, item.getMin(), idx.child("min"));
            quantities(errs, item.getDefault(), idx.child("default"));
            quantities(errs, item.getDefaultRequest(), idx.child("defaultRequest"));
            quantities(errs, item.getMaxLimitRequestRatio(), idx.child("maxLimitRequestRatio"));
            Map<String, Quantity> max = Errs.map(item.getMax());
            for (Map.Entry<String, Quantity> e : new TreeMap<>(Errs.map(item.getMin())).entrySet()) {
                Quantity m = max.get(e.getKey());
                if (m != null && Quantities.compare(e.getValue(), m) > 0) {
                    errs.add(Errs.invalid(idx.child("min").key(e.getKey()), Quantities.text(e.getValue()),
                            "min value " + Quantities.text(e.getValue()) + " is greater than max value "
                                    + Quantities.text(m)));
                }
            }
            for (Map.Entry<String, Quantity> e : new TreeMap<>(Errs.map(item.getDefault())).entrySet()) {
                Quantity m = max.get(e.getKey());
                if (m != null && Quantities.compare(e.getValue(), m) > 0) {
                    errs.add(Errs.invalid(idx.child("default").key(e.getKey()), Quantities.text(e.getValue()),
                            "default value " + Quantities.text(e.getValue()) + " is greater than max value "
                                    + Quantities.text(m)));
                }
            }
        }
        return errs;
    }

    private static void quantities(List<FieldError> errs, Map<String, Quantity> values, FieldPath path) {
        for (Map.Entry<String, Quantity> e : new TreeMap<>(Errs.map(values)).entrySet()) {
            errs.addAll(Quantities.validateValue(e.getKey(), e.getValue(), path.key(e.getKey())));
        }
    }

    /** core/v1 Events: the involved object's namespace must agree with the event's (Kubernetes' legacy rules). */
    static List<FieldError> validateEvent(Event event) {
        List<FieldError> errs = new ArrayList<>();
        String namespace = event.getMetadata() == null || event.getMetadata().getNamespace() == null
                ? "" : event.getMetadata().getNamespace();
        String involvedNamespace = event.getInvolvedObject() == null || event.getInvolvedObject().getNamespace() == null
                ? "" : event.getInvolvedObject().getNamespace();
        FieldPath involved = FieldPath.of("involvedObject", "namespace");
        boolean newStyle = event.getEventTime() != null && !Errs.isEmpty(event.getEventTime().getTime());
        if (!newStyle) {
            if (involvedNamespace.isEmpty() ? !namespace.isEmpty() && !namespace.equals("default")
                    : !namespace.equals(involvedNamespace)) {
                errs.add(Errs.invalid(involved, involvedNamespace, "does not match event.namespace"));
            }
        } else {
            if (involvedNamespace.isEmpty() && !namespace.equals("default") && !namespace.equals("kube-system")) {
                errs.add(Errs.invalid(involved, involvedNamespace, "does not match event.namespace"));
            }
            String controller = event.getReportingComponent() == null ? "" : event.getReportingComponent();
            if (controller.isEmpty()) {
                errs.add(Errs.required(FieldPath.of("reportingComponent"), ""));
            }
            Errs.invalidEach(errs, FieldPath.of("reportingComponent"), controller,
                    NameValidation.isQualifiedName(controller));
            lengthRule(errs, event.getReportingInstance(), 128, "reportingInstance", true);
            lengthRule(errs, event.getAction(), 128, "action", true);
            lengthRule(errs, event.getReason(), 128, "reason", true);
            lengthRule(errs, event.getMessage(), 4 * 1024, "message", false);
        }
        Errs.invalidEach(errs, FieldPath.of("namespace"), namespace, NameValidation.isDns1123Subdomain(namespace));
        return errs;
    }

    private static void lengthRule(List<FieldError> errs, String value, int max, String field, boolean required) {
        String v = value == null ? "" : value;
        if (required && v.isEmpty()) {
            errs.add(Errs.required(FieldPath.of(field), ""));
        }
        if (v.length() > max) {
            errs.add(Errs.invalid(FieldPath.of(field), "", "can have at most " + max + " characters"));
        }
    }
}
