package io.berth.apimachinery.validation;

import io.berth.apimachinery.errors.FieldError;
import io.berth.apimachinery.json.Json;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSchedulingGate;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Toleration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What may change in a running pod's spec (Kubernetes' {@code ValidatePodUpdate}): container and init container
 * images, {@code activeDeadlineSeconds} (set, or lowered), additions to tolerations, removal of scheduling gates,
 * and {@code terminationGracePeriodSeconds} from a negative value to 1. Anything else is refused with Kubernetes'
 * "pod updates may not change fields other than ..." message.
 */
final class PodUpdateValidation {

    static final String FORBIDDEN_MESSAGE = "pod updates may not change fields other than `spec.containers[*].image`,"
            + "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to"
            + " existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was"
            + " previously negative)";

    private PodUpdateValidation() {
    }

    static List<FieldError> validate(PodSpec newSpec, PodSpec oldSpec) {
        List<FieldError> errs = new ArrayList<>();
        PodSpec n = newSpec == null ? new PodSpec() : newSpec;
        PodSpec o = oldSpec == null ? new PodSpec() : oldSpec;
        FieldPath spec = FieldPath.of("spec");
        if (containerUpdates(Errs.list(n.getContainers()), Errs.list(o.getContainers()), spec.child("containers"), errs)
                || containerUpdates(Errs.list(n.getInitContainers()), Errs.list(o.getInitContainers()),
                spec.child("initContainers"), errs)) {
            return errs;
        }
        if (n.getActiveDeadlineSeconds() != null) {
            long v = n.getActiveDeadlineSeconds();
            FieldPath p = spec.child("activeDeadlineSeconds");
            if (v < 0 || v > Integer.MAX_VALUE) {
                errs.add(Errs.invalid(p, v, NameValidation.inclusiveRangeError(0, Integer.MAX_VALUE)));
                return errs;
            }
            if (o.getActiveDeadlineSeconds() != null && o.getActiveDeadlineSeconds() < v) {
                errs.add(Errs.invalid(p, v, "must be less than or equal to previous value"));
                return errs;
            }
        } else if (o.getActiveDeadlineSeconds() != null) {
            errs.add(Errs.invalid(spec.child("activeDeadlineSeconds"), GoValue.NULL,
                    "must not update from a positive integer to nil value"));
        }
        errs.addAll(onlyAddedTolerations(Errs.list(n.getTolerations()), Errs.list(o.getTolerations()),
                spec.child("tolerations")));

        PodSpec munged = Json.deepCopy(n);
        copyImages(munged.getContainers(), o.getContainers());
        copyImages(munged.getInitContainers(), o.getInitContainers());
        munged.setActiveDeadlineSeconds(o.getActiveDeadlineSeconds());
        munged.setTolerations(o.getTolerations());
        if (o.getTerminationGracePeriodSeconds() != null && o.getTerminationGracePeriodSeconds() < 0
                && Objects.equals(n.getTerminationGracePeriodSeconds(), 1L)) {
            munged.setTerminationGracePeriodSeconds(o.getTerminationGracePeriodSeconds());
        }
        if (gatesOnlyRemoved(n.getSchedulingGates(), o.getSchedulingGates())) {
            munged.setSchedulingGates(o.getSchedulingGates());
        }
        ObjectNode mungedTree = normalize(Json.toTree(munged));
        ObjectNode oldTree = normalize(Json.toTree(o));
        if (!mungedTree.equals(oldTree)) {
            errs.add(Errs.forbidden(spec, FORBIDDEN_MESSAGE + "\n" + diff(oldTree, mungedTree)));
        }
        return errs;
    }

    /** Returns true when validation must stop: containers were added or removed. */
    private static boolean containerUpdates(List<Container> n, List<Container> o, FieldPath path,
                                            List<FieldError> errs) {
        if (n.size() != o.size()) {
            errs.add(Errs.forbidden(path, "pod updates may not add or remove containers"));
            return true;
        }
        for (int i = 0; i < n.size(); i++) {
            String image = n.get(i).getImage() == null ? "" : n.get(i).getImage();
            if (image.isEmpty()) {
                errs.add(Errs.required(path.index(i).child("image"), ""));
            }
            if (image.strip().length() != image.length()) {
                errs.add(Errs.invalid(path.index(i).child("image"), image,
                        "must not have leading or trailing whitespace"));
            }
        }
        return false;
    }

    private static List<FieldError> onlyAddedTolerations(List<Toleration> n, List<Toleration> o, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        for (Toleration old : o) {
            boolean found = n.stream().anyMatch(t -> Objects.equals(t.getKey(), old.getKey())
                    && Objects.equals(t.getOperator(), old.getOperator())
                    && Objects.equals(t.getValue(), old.getValue())
                    && Objects.equals(t.getEffect(), old.getEffect()));
            if (!found) {
                errs.add(Errs.forbidden(path, "existing toleration can not be modified except its tolerationSeconds"));
                return errs;
            }
        }
        errs.addAll(PodValidation.validateTolerations(n, path));
        return errs;
    }

    private static boolean gatesOnlyRemoved(List<PodSchedulingGate> n, List<PodSchedulingGate> o) {
        List<String> oldNames = Errs.list(o).stream().map(PodSchedulingGate::getName).toList();
        return Errs.list(n).stream().allMatch(g -> oldNames.contains(g.getName()));
    }

    private static void copyImages(List<Container> target, List<Container> source) {
        if (target == null || source == null) {
            return;
        }
        for (int i = 0; i < target.size() && i < source.size(); i++) {
            target.get(i).setImage(source.get(i).getImage());
        }
    }

    /** Empty lists and objects mean the same as absent ones. */
    private static ObjectNode normalize(ObjectNode node) {
        List<String> drop = new ArrayList<>();
        for (var e : node.properties()) {
            JsonNode v = e.getValue();
            if (v instanceof ObjectNode child) {
                normalize(child);
            } else if (v.isArray()) {
                v.forEach(item -> {
                    if (item instanceof ObjectNode o) {
                        normalize(o);
                    }
                });
            }
            if (v.isNull() || (v.isContainer() && v.isEmpty())) {
                drop.add(e.getKey());
            }
        }
        drop.forEach(node::remove);
        return node;
    }

    /** A short list of the changed spec fields (Kubernetes prints a full Go diff here). */
    private static String diff(ObjectNode oldSpec, ObjectNode newSpec) {
        TreeSet<String> names = new TreeSet<>(oldSpec.propertyNames());
        names.addAll(newSpec.propertyNames());
        StringBuilder sb = new StringBuilder();
        for (String name : names) {
            JsonNode a = oldSpec.get(name);
            JsonNode b = newSpec.get(name);
            if (!Objects.equals(a, b)) {
                sb.append("  spec.").append(name).append(": ").append(a == null ? "<unset>" : a.toString())
                        .append(" -> ").append(b == null ? "<unset>" : b.toString()).append('\n');
            }
        }
        return sb.toString();
    }
}
