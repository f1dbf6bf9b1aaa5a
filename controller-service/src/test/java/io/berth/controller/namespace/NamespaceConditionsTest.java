package io.berth.controller.namespace;

import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.NamespaceConditionBuilder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class NamespaceConditionsTest {

    static final Instant T1 = Instant.parse("2025-06-01T12:00:00Z");
    static final Instant T2 = Instant.parse("2025-06-01T12:05:00Z");

    @Test
    void a_clean_pass_sets_all_five_conditions_false_with_kubernetes_reasons_and_messages() {
        List<NamespaceCondition> conditions = NamespaceConditions.of(clean(), T1);

        assertThat(conditions).extracting(NamespaceCondition::getType, NamespaceCondition::getStatus,
                NamespaceCondition::getReason, NamespaceCondition::getMessage).containsExactly(
                tuple("NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered",
                        "All resources successfully discovered"),
                tuple("NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions",
                        "All legacy kube types successfully parsed"),
                tuple("NamespaceDeletionContentFailure", "False", "ContentDeleted",
                        "All content successfully deleted, may be waiting on finalization"),
                tuple("NamespaceContentRemaining", "False", "ContentRemoved", "All content successfully removed"),
                tuple("NamespaceFinalizersRemaining", "False", "ContentRemoved", "All content successfully removed"));
        assertThat(conditions).allSatisfy(c -> assertThat(c.getLastTransitionTime()).isEqualTo("2025-06-01T12:00:00Z"));
    }

    @Test
    void failures_and_remaining_content_set_the_conditions_true_with_sorted_details() {
        Map<GroupVersionResource, Integer> remaining = new LinkedHashMap<>();
        remaining.put(new GroupVersionResource("apps", "v1", "deployments"), 1);
        remaining.put(new GroupVersionResource("", "v1", "pods"), 3);
        DeletionPlan.Content content = new DeletionPlan.Content("discovery broke",
                List.of("unexpected GroupVersion string: a/b/c"), List.of("z failed", "a failed"), remaining,
                Map.of("example.com/y", 1, "example.com/x", 2), 15);

        List<NamespaceCondition> conditions = NamespaceConditions.of(content, T1);

        assertThat(conditions).extracting(NamespaceCondition::getType, NamespaceCondition::getStatus,
                NamespaceCondition::getReason, NamespaceCondition::getMessage).containsExactly(
                tuple("NamespaceDeletionDiscoveryFailure", "True", "DiscoveryFailed", "discovery broke"),
                tuple("NamespaceDeletionGroupVersionParsingFailure", "True", "GroupVersionParsingFailed",
                        "unexpected GroupVersion string: a/b/c"),
                tuple("NamespaceDeletionContentFailure", "True", "ContentDeletionFailed",
                        "Failed to delete all resource types, 2 remaining: a failed, z failed"),
                tuple("NamespaceContentRemaining", "True", "SomeResourcesRemain",
                        "Some resources are remaining: deployments.apps has 1 resource instances, pods. has 3"
                                + " resource instances"),
                tuple("NamespaceFinalizersRemaining", "True", "SomeFinalizersRemain",
                        "Some content in the namespace has finalizers remaining: example.com/x in 2 resource"
                                + " instances, example.com/y in 1 resource instances"));
    }

    @Test
    void conditions_already_as_they_should_be_are_not_written_again() {
        List<NamespaceCondition> current = NamespaceConditions.of(clean(), T1);

        assertThat(NamespaceConditions.update(current, NamespaceConditions.of(clean(), T2))).isEmpty();
    }

    @Test
    void missing_conditions_are_appended_after_the_ones_of_others() {
        NamespaceCondition foreign = new NamespaceConditionBuilder().withType("example.com/Ready").withStatus("True")
                .build();

        List<NamespaceCondition> updated = NamespaceConditions.update(List.of(foreign),
                NamespaceConditions.of(clean(), T1)).orElseThrow();

        assertThat(updated).hasSize(6);
        assertThat(updated.get(0)).isEqualTo(foreign);
        assertThat(updated.get(1).getType()).isEqualTo("NamespaceDeletionDiscoveryFailure");
    }

    @Test
    void a_changed_status_moves_the_transition_time_but_a_changed_message_alone_does_not() {
        DeletionPlan.Content pods = new DeletionPlan.Content(null, List.of(), List.of(),
                Map.of(new GroupVersionResource("", "v1", "pods"), 2), Map.of(), 10);
        DeletionPlan.Content fewerPods = new DeletionPlan.Content(null, List.of(), List.of(),
                Map.of(new GroupVersionResource("", "v1", "pods"), 1), Map.of(), 10);
        List<NamespaceCondition> before = NamespaceConditions.of(clean(), T1);

        List<NamespaceCondition> remaining = NamespaceConditions.update(before, NamespaceConditions.of(pods, T2))
                .orElseThrow();
        NamespaceCondition contentRemaining = remaining.get(3);
        assertThat(contentRemaining.getStatus()).isEqualTo("True");
        assertThat(contentRemaining.getLastTransitionTime()).isEqualTo("2025-06-01T12:05:00Z");
        assertThat(remaining.get(0).getLastTransitionTime()).isEqualTo("2025-06-01T12:00:00Z");
        assertThat(before.get(3).getStatus()).as("the namespace's own list is not changed").isEqualTo("False");

        List<NamespaceCondition> fewer = NamespaceConditions.update(remaining,
                NamespaceConditions.of(fewerPods, T2.plusSeconds(60))).orElseThrow();
        assertThat(fewer.get(3).getMessage()).isEqualTo("Some resources are remaining: pods. has 1 resource instances");
        assertThat(fewer.get(3).getLastTransitionTime()).isEqualTo("2025-06-01T12:05:00Z");
    }

    static DeletionPlan.Content clean() {
        return new DeletionPlan.Content(null, List.of(), List.of(), Map.of(), Map.of(), 0);
    }

    private static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }
}
