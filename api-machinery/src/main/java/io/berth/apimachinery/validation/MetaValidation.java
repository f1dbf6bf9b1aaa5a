package io.berth.apimachinery.validation;

import io.berth.apimachinery.errors.FieldError;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** ObjectMeta rules (apimachinery/pkg/api/validation/objectmeta.go), create and update. */
final class MetaValidation {

    static final int TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
    private static final FieldPath METADATA = FieldPath.of("metadata");

    private MetaValidation() {
    }

    static List<FieldError> validate(ObjectMeta meta, boolean namespaced, NameRule rule, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (meta == null) {
            errs.add(Errs.required(path.child("name"), "name or generateName is required"));
            return errs;
        }
        if (!Errs.isEmpty(meta.getGenerateName())) {
            Errs.invalidEach(errs, path.child("generateName"), meta.getGenerateName(),
                    rule.validate(meta.getGenerateName(), true));
        }
        if (Errs.isEmpty(meta.getName())) {
            errs.add(Errs.required(path.child("name"), "name or generateName is required"));
        } else {
            Errs.invalidEach(errs, path.child("name"), meta.getName(), rule.validate(meta.getName(), false));
        }
        if (namespaced) {
            if (Errs.isEmpty(meta.getNamespace())) {
                errs.add(Errs.required(path.child("namespace"), ""));
            } else {
                Errs.invalidEach(errs, path.child("namespace"), meta.getNamespace(),
                        NameRule.DNS1123_LABEL.validate(meta.getNamespace(), false));
            }
        } else if (!Errs.isEmpty(meta.getNamespace())) {
            errs.add(Errs.forbidden(path.child("namespace"), "not allowed on this type"));
        }
        if (meta.getGeneration() != null && meta.getGeneration() < 0) {
            errs.add(Errs.invalid(path.child("generation"), meta.getGeneration(), "must be greater than or equal to 0"));
        }
        errs.addAll(validateLabels(meta.getLabels(), path.child("labels")));
        errs.addAll(validateAnnotations(meta.getAnnotations(), path.child("annotations")));
        errs.addAll(validateOwnerReferences(meta.getOwnerReferences(), path.child("ownerReferences")));
        errs.addAll(validateFinalizers(meta.getFinalizers(), path.child("finalizers")));
        return errs;
    }

    static List<FieldError> validateUpdate(ObjectMeta newMeta, ObjectMeta oldMeta, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        ObjectMeta n = newMeta == null ? new ObjectMeta() : newMeta;
        ObjectMeta o = oldMeta == null ? new ObjectMeta() : oldMeta;
        if (o.getDeletionTimestamp() != null) {
            Set<String> added = new LinkedHashSet<>(Errs.list(n.getFinalizers()));
            Errs.list(o.getFinalizers()).forEach(added::remove);
            if (!added.isEmpty()) {
                errs.add(Errs.forbidden(path.child("finalizers"), "no new finalizers can be added if the object is"
                        + " being deleted, found new finalizers " + GoValue.stringSlice(added.stream().sorted().toList())));
            }
        }
        long newGeneration = n.getGeneration() == null ? 0 : n.getGeneration();
        long oldGeneration = o.getGeneration() == null ? 0 : o.getGeneration();
        if (newGeneration < oldGeneration) {
            errs.add(Errs.invalid(path.child("generation"), newGeneration, "must not be decremented"));
        }
        immutable(errs, n.getName(), o.getName(), path.child("name"));
        immutable(errs, n.getNamespace(), o.getNamespace(), path.child("namespace"));
        immutable(errs, n.getUid(), o.getUid(), path.child("uid"));
        immutable(errs, n.getCreationTimestamp(), o.getCreationTimestamp(), path.child("creationTimestamp"));
        immutable(errs, n.getDeletionTimestamp(), o.getDeletionTimestamp(), path.child("deletionTimestamp"));
        immutable(errs, n.getDeletionGracePeriodSeconds(), o.getDeletionGracePeriodSeconds(),
                path.child("deletionGracePeriodSeconds"));
        errs.addAll(validateLabels(n.getLabels(), path.child("labels")));
        errs.addAll(validateAnnotations(n.getAnnotations(), path.child("annotations")));
        errs.addAll(validateOwnerReferences(n.getOwnerReferences(), path.child("ownerReferences")));
        return errs;
    }

    static void immutable(List<FieldError> errs, Object newValue, Object oldValue, FieldPath path) {
        if (!Objects.equals(emptyToNull(newValue), emptyToNull(oldValue))) {
            errs.add(Errs.invalid(path, newValue == null ? GoValue.NULL : newValue, "field is immutable"));
        }
    }

    private static Object emptyToNull(Object value) {
        return value instanceof String s && s.isEmpty() ? null : value;
    }

    static List<FieldError> validateLabels(Map<String, String> labels, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        for (Map.Entry<String, String> e : Errs.map(labels).entrySet()) {
            Errs.invalidEach(errs, path, e.getKey(), NameValidation.isQualifiedName(e.getKey()));
            String value = e.getValue() == null ? "" : e.getValue();
            Errs.invalidEach(errs, path, value, NameValidation.isValidLabelValue(value));
        }
        return errs;
    }

    static List<FieldError> validateAnnotations(Map<String, String> annotations, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        long size = 0;
        for (Map.Entry<String, String> e : Errs.map(annotations).entrySet()) {
            // case does not matter in annotation keys
            Errs.invalidEach(errs, path, e.getKey(), NameValidation.isQualifiedName(e.getKey().toLowerCase()));
            size += utf8Length(e.getKey()) + utf8Length(e.getValue());
        }
        if (size > TOTAL_ANNOTATION_SIZE_LIMIT) {
            errs.add(Errs.tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
        }
        return errs;
    }

    static List<FieldError> validateOwnerReferences(List<OwnerReference> refs, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        String firstController = null;
        for (OwnerReference ref : Errs.list(refs)) {
            String apiVersion = ref.getApiVersion() == null ? "" : ref.getApiVersion();
            String version = apiVersion.contains("/") ? apiVersion.substring(apiVersion.indexOf('/') + 1) : apiVersion;
            if (version.isEmpty()) {
                errs.add(Errs.invalid(path.child("apiVersion"), apiVersion, "version must not be empty"));
            }
            if (Errs.isEmpty(ref.getKind())) {
                errs.add(Errs.invalid(path.child("kind"), "", "must not be empty"));
            }
            if (Errs.isEmpty(ref.getName())) {
                errs.add(Errs.invalid(path.child("name"), "", "must not be empty"));
            }
            if (Errs.isEmpty(ref.getUid())) {
                errs.add(Errs.invalid(path.child("uid"), "", "must not be empty"));
            }
            if (Boolean.TRUE.equals(ref.getController())) {
                String current = ref.getKind() + "/" + ref.getName();
                if (firstController != null) {
                    errs.add(Errs.invalid(path, new GoValue("[]v1.OwnerReference{...}"), "Only one reference can have"
                            + " Controller set to true. Found \"true\" in references for " + firstController
                            + " and " + current));
                } else {
                    firstController = current;
                }
            }
        }
        return errs;
    }

    static List<FieldError> validateFinalizers(List<String> finalizers, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        boolean orphan = false;
        boolean foreground = false;
        for (String f : Errs.list(finalizers)) {
            Errs.invalidEach(errs, path, f, NameValidation.isQualifiedName(f));
            orphan |= "orphan".equals(f);
            foreground |= "foregroundDeletion".equals(f);
        }
        if (orphan && foreground) {
            errs.add(Errs.invalid(path, GoValue.stringSlice(finalizers),
                    "finalizer orphan and foregroundDeletion cannot be both set"));
        }
        return errs;
    }

    static FieldPath metadata() {
        return METADATA;
    }

    private static long utf8Length(String s) {
        return s == null ? 0 : s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }
}
