package io.berth.controller.namespace;

import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.NamespaceConditionBuilder;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The status conditions Kubernetes' namespace controller keeps on a terminating namespace
 * ({@code pkg/controller/namespace/deletion/status_condition_utils.go}), as pure functions: each of the five types
 * is True with the failure's reason and message, or False with its "all is well" wording.
 */
final class NamespaceConditions {

    static final String DISCOVERY_FAILURE = "NamespaceDeletionDiscoveryFailure";
    static final String PARSING_FAILURE = "NamespaceDeletionGroupVersionParsingFailure";
    static final String CONTENT_FAILURE = "NamespaceDeletionContentFailure";
    static final String CONTENT_REMAINING = "NamespaceContentRemaining";
    static final String FINALIZERS_REMAINING = "NamespaceFinalizersRemaining";

    static final String DISCOVERY_FAILED = "DiscoveryFailed";
    static final String PARSING_FAILED = "GroupVersionParsingFailed";
    static final String CONTENT_DELETION_FAILED = "ContentDeletionFailed";

    /** Kubernetes' order, which is also the order they are added to a namespace. */
    static final List<String> TYPES = List.of(DISCOVERY_FAILURE, PARSING_FAILURE, CONTENT_FAILURE, CONTENT_REMAINING,
            FINALIZERS_REMAINING);

    private static final Map<String, String[]> OK = Map.of(
            DISCOVERY_FAILURE, new String[] {"ResourcesDiscovered", "All resources successfully discovered"},
            PARSING_FAILURE, new String[] {"ParsedGroupVersions", "All legacy kube types successfully parsed"},
            CONTENT_FAILURE, new String[] {"ContentDeleted",
                    "All content successfully deleted, may be waiting on finalization"},
            CONTENT_REMAINING, new String[] {"ContentRemoved", "All content successfully removed"},
            FINALIZERS_REMAINING, new String[] {"ContentRemoved", "All content successfully removed"});

    private NamespaceConditions() {
    }

    /** The condition of each type after one pass over the content, at {@code now}. */
    static List<NamespaceCondition> of(DeletionPlan.Content content, Instant now) {
        List<NamespaceCondition> conditions = new ArrayList<>();
        conditions.add(content.discoveryError() == null ? ok(DISCOVERY_FAILURE, now)
                : failed(DISCOVERY_FAILURE, DISCOVERY_FAILED, content.discoveryError(), now));
        conditions.add(content.parseErrors().isEmpty() ? ok(PARSING_FAILURE, now)
                : failed(PARSING_FAILURE, PARSING_FAILED, String.join(", ", content.parseErrors()), now));
        if (content.deleteErrors().isEmpty()) {
            conditions.add(ok(CONTENT_FAILURE, now));
        } else {
            List<String> sorted = content.deleteErrors().stream().sorted().toList();
            conditions.add(failed(CONTENT_FAILURE, CONTENT_DELETION_FAILED, "Failed to delete all resource types, "
                    + sorted.size() + " remaining: " + String.join(", ", sorted), now));
        }
        List<String> remaining = content.remaining().entrySet().stream().filter(e -> e.getValue() > 0)
                .map(e -> e.getKey().groupResource() + " has " + e.getValue() + " resource instances").sorted()
                .toList();
        conditions.add(remaining.isEmpty() ? ok(CONTENT_REMAINING, now)
                : failed(CONTENT_REMAINING, "SomeResourcesRemain", "Some resources are remaining: "
                        + String.join(", ", remaining), now));
        List<String> finalizers = content.finalizers().entrySet().stream().filter(e -> e.getValue() > 0)
                .map(e -> e.getKey() + " in " + e.getValue() + " resource instances").sorted().toList();
        conditions.add(finalizers.isEmpty() ? ok(FINALIZERS_REMAINING, now)
                : failed(FINALIZERS_REMAINING, "SomeFinalizersRemain",
                        "Some content in the namespace has finalizers remaining: "
                        + String.join(", ", finalizers), now));
        return conditions;
    }

    /**
     * Kubernetes' {@code updateConditions}: {@code current} with each type set as in {@code desired}. A type
     * missing is appended; one whose status, reason or message differs is changed in place, its
     * lastTransitionTime moving only when its status changes; other conditions are kept as they are.
     *
     * @return the new list, or empty when nothing changed (nothing to write)
     */
    static Optional<List<NamespaceCondition>> update(List<NamespaceCondition> current,
                                                     List<NamespaceCondition> desired) {
        List<NamespaceCondition> next = new ArrayList<>();
        for (NamespaceCondition c : current == null ? List.<NamespaceCondition>of() : current) {
            next.add(new NamespaceConditionBuilder(c).build());
        }
        boolean changed = false;
        for (NamespaceCondition want : desired) {
            NamespaceCondition have = next.stream().filter(c -> want.getType().equals(c.getType())).findFirst()
                    .orElse(null);
            if (have == null) {
                next.add(want);
                changed = true;
            } else if (!Objects.equals(have.getStatus(), want.getStatus())
                    || !Objects.equals(have.getReason(), want.getReason())
                    || !Objects.equals(have.getMessage(), want.getMessage())) {
                if (!Objects.equals(have.getStatus(), want.getStatus())) {
                    have.setLastTransitionTime(want.getLastTransitionTime());
                }
                have.setStatus(want.getStatus());
                have.setReason(want.getReason());
                have.setMessage(want.getMessage());
                changed = true;
            }
        }
        return changed ? Optional.of(next) : Optional.empty();
    }

    private static NamespaceCondition ok(String type, Instant now) {
        String[] words = OK.get(type);
        return condition(type, "False", words[0], words[1], now);
    }

    private static NamespaceCondition failed(String type, String reason, String message, Instant now) {
        return condition(type, "True", reason, message, now);
    }

    private static NamespaceCondition condition(String type, String status, String reason, String message,
                                                Instant now) {
        return new NamespaceConditionBuilder().withType(type).withStatus(status).withReason(reason)
                .withMessage(message)
                .withLastTransitionTime(DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS)))
                .build();
    }
}
