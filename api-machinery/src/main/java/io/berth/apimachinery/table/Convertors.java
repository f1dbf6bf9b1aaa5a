package io.berth.apimachinery.table;

import io.berth.apimachinery.registry.ResourceType;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The convertor of each served resource, keyed by group and resource. */
final class Convertors {

    private static final Map<String, TableConvertor> BY_RESOURCE = new HashMap<>();

    static {
        CoreConvertors.register(BY_RESOURCE);
        AppsAndMoreConvertors.register(BY_RESOURCE);
    }

    /** Kubernetes' default table for resources without a printer: NAME and CREATED AT (RFC 3339, UTC). */
    static final TableConvertor DEFAULT = Columns.builder()
            .name()
            .add("Created At", "date", "", 0, Columns.CREATED_DOC)
            .cells(HasMetadata.class, (obj, now) -> {
                List<Object> cells = new ArrayList<>();
                cells.add(name(obj));
                java.time.Instant created = HumanDuration.parse(
                        obj.getMetadata() == null ? null : obj.getMetadata().getCreationTimestamp());
                cells.add(created == null ? "0001-01-01T00:00:00Z"
                        : java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME
                        .format(created.atOffset(ZoneOffset.UTC).withNano(0)).replace("+00:00", "Z"));
                return cells;
            });

    private Convertors() {
    }

    static TableConvertor forType(ResourceType type) {
        return BY_RESOURCE.getOrDefault(key(type.group(), type.resource()), DEFAULT);
    }

    static String key(String group, String resource) {
        return group + "/" + resource;
    }

    static String name(HasMetadata obj) {
        return obj.getMetadata() == null || obj.getMetadata().getName() == null ? "" : obj.getMetadata().getName();
    }

    static String age(HasMetadata obj, java.time.Instant now) {
        return HumanDuration.since(obj.getMetadata() == null ? null : obj.getMetadata().getCreationTimestamp(), now);
    }

    /** {@code labels.FormatLabels}: sorted {@code k=v} pairs, {@code <none>} when empty. */
    static String formatLabels(Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) {
            return "<none>";
        }
        return String.join(",", new java.util.TreeMap<>(labels).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    /** {@code metav1.FormatLabelSelector}: the canonical selector, {@code <none>} when empty, {@code <error>}. */
    static String formatLabelSelector(io.fabric8.kubernetes.api.model.LabelSelector selector) {
        try {
            String s = io.berth.apimachinery.selector.LabelSelector.from(selector).toString();
            return s.isEmpty() ? "<none>" : s;
        } catch (RuntimeException e) {
            return "<error>";
        }
    }
}
