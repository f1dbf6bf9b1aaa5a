package io.berth.controller.namespace;

import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class DeletionPlanTest {

    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    static final GroupVersionResource PODS = new GroupVersionResource("", "v1", "pods");

    record StepRow(String description, Namespace namespace, DeletionPlan.Step step) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<StepRow> steps() {
        return Stream.of(
                new StepRow("a namespace not marked for deletion is left alone",
                        namespace(false, "Active", "kubernetes"), DeletionPlan.Step.NOT_DELETING),
                new StepRow("a marked namespace not yet Terminating is marked first",
                        namespace(true, "Active", "kubernetes"), DeletionPlan.Step.MARK_TERMINATING),
                new StepRow("a terminating namespace held by kubernetes has its content deleted",
                        namespace(true, "Terminating", "kubernetes", "example.com/other"),
                        DeletionPlan.Step.DELETE_CONTENT),
                new StepRow("a terminating namespace without kubernetes is finalized already",
                        namespace(true, "Terminating", "example.com/other"), DeletionPlan.Step.FINALIZED),
                new StepRow("a terminating namespace without spec finalizers is finalized already",
                        namespace(true, "Terminating"), DeletionPlan.Step.FINALIZED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("steps")
    void tells_where_a_namespace_is_in_its_deletion(StepRow row) {
        assertThat(DeletionPlan.step(row.namespace())).isEqualTo(row.step());
    }

    @Test
    void discovery_yields_namespaced_deletable_resources_with_their_verbs_and_skips_the_rest() {
        List<APIResourceList> lists = List.of(
                resources("v1",
                        resource("pods", true, "create", "delete", "deletecollection", "get", "list", "watch"),
                        resource("pods/status", true, "get", "patch", "update"),
                        resource("nodes", false, "delete", "deletecollection", "list"),
                        resource("localsubjectaccessreviews", true, "create"),
                        resource("bindings", true, "create"),
                        resource("noncollected", true, "delete", "list"),
                        resource("unlisted", true, "delete")),
                resources("apps/v1", resource("deployments", true, "delete", "deletecollection", "list")));

        DeletionPlan.Discovery discovery = DeletionPlan.deletable(lists);

        assertThat(discovery.resources()).containsExactly(
                new DeletionPlan.Deletable(PODS, true, true),
                new DeletionPlan.Deletable(new GroupVersionResource("", "v1", "noncollected"), false, true),
                new DeletionPlan.Deletable(new GroupVersionResource("", "v1", "unlisted"), false, false),
                new DeletionPlan.Deletable(new GroupVersionResource("apps", "v1", "deployments"), true, true));
        assertThat(discovery.parseErrors()).isEmpty();
    }

    @Test
    void a_group_version_that_does_not_parse_is_reported_and_its_resources_skipped() {
        DeletionPlan.Discovery discovery = DeletionPlan.deletable(List.of(
                resources("a/b/c", resource("things", true, "delete", "deletecollection", "list"))));

        assertThat(discovery.resources()).isEmpty();
        assertThat(discovery.parseErrors()).containsExactly("unexpected GroupVersion string: a/b/c");
    }

    record RemainingRow(String description, List<GenericKubernetesResource> items, int count,
                        Map<String, Integer> finalizers, long estimate, boolean error) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<RemainingRow> remaining() {
        return Stream.of(
                new RemainingRow("nothing left is nothing to wait for", List.of(), 0, Map.of(), 0, false),
                new RemainingRow("pods in their grace period are waited for until it ends",
                        List.of(item("a", "2025-06-01T12:00:20Z"), item("b", "2025-06-01T12:00:08Z")), 2, Map.of(),
                        20, false),
                new RemainingRow("a pod past its grace period waits for its node agent a second at a time",
                        List.of(item("a", "2025-06-01T11:59:00Z")), 1, Map.of(), 1, false),
                new RemainingRow("objects held by finalizers are counted by finalizer and given 15 s",
                        List.of(item("a", "2025-06-01T12:00:00Z", "example.com/x"),
                                item("b", "2025-06-01T12:00:00Z", "example.com/x", "example.com/y")),
                        2, Map.of("example.com/x", 2, "example.com/y", 1), 15, false),
                new RemainingRow("an object neither held nor being deleted should not be there",
                        List.of(item("a", null)), 1, Map.of(), 0, true),
                new RemainingRow("one unexpected object among terminating ones is still an error",
                        List.of(item("a", "2025-06-01T12:00:04Z"), item("b", null)), 2, Map.of(), 4, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("remaining")
    void tells_what_is_left_of_a_resource_and_how_long_it_should_take(RemainingRow row) {
        DeletionPlan.Remaining left = DeletionPlan.remaining(PODS, "team", row.items(), NOW);

        assertThat(left.count()).isEqualTo(row.count());
        assertThat(left.finalizers()).isEqualTo(row.finalizers());
        assertThat(left.estimate()).isEqualTo(row.estimate());
        if (row.error()) {
            assertThat(left.error()).isEqualTo("unexpected items still remain in namespace: team for gvr: /v1,"
                    + " Resource=pods");
        } else {
            assertThat(left.error()).isNull();
        }
    }

    record NextRow(String description, DeletionPlan.Content content, DeletionPlan.Next next) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<NextRow> nexts() {
        return Stream.of(
                new NextRow("nothing left and nothing failed: finalize without kubernetes, others kept sorted",
                        content(null, List.of(), List.of(), 0),
                        new DeletionPlan.Finalize(List.of("example.com/a", "example.com/b"))),
                new NextRow("content still going: wait estimate/2 + 1 s",
                        content(null, List.of(), List.of(), 4), new DeletionPlan.Wait(Duration.ofSeconds(3))),
                new NextRow("a long estimate waits at most 5 s",
                        content(null, List.of(), List.of(), 30), new DeletionPlan.Wait(Duration.ofSeconds(5))),
                new NextRow("a failed deletion fails, even with content going",
                        content(null, List.of(), List.of("boom"), 30),
                        new DeletionPlan.Fail("ContentDeletionFailed", "boom")),
                new NextRow("incomplete discovery fails, with every error",
                        content("discovery broke", List.of(), List.of("boom"), 0),
                        new DeletionPlan.Fail("DiscoveryFailed", "discovery broke, boom")),
                new NextRow("an unparsable group version fails",
                        content(null, List.of("unexpected GroupVersion string: a/b/c"), List.of(), 0),
                        new DeletionPlan.Fail("GroupVersionParsingFailed", "unexpected GroupVersion string: a/b/c")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nexts")
    void decides_what_follows_the_content_deletion(NextRow row) {
        Namespace ns = namespace(true, "Terminating", "kubernetes", "example.com/b", "example.com/a", "kubernetes");

        assertThat(DeletionPlan.next(ns, row.content())).isEqualTo(row.next());
    }

    @Test
    void a_partial_discovery_failure_is_worded_as_kubernetes_words_it() {
        assertThat(DeletionPlan.discoveryError(Map.of())).isNull();
        assertThat(DeletionPlan.discoveryError(Map.of("b/v1", "down", "a/v1", "gone"))).isEqualTo(
                "Discovery failed for some groups, 2 failing: unable to retrieve the complete list of server APIs:"
                        + " a/v1: gone, b/v1: down");
    }

    static DeletionPlan.Content content(String discoveryError, List<String> parseErrors, List<String> deleteErrors,
                                        long estimate) {
        return new DeletionPlan.Content(discoveryError, parseErrors, deleteErrors, Map.of(), Map.of(), estimate);
    }

    static Namespace namespace(boolean deleting, String phase, String... finalizers) {
        return new NamespaceBuilder().withNewMetadata().withName("team").withUid("uid-1")
                .withDeletionTimestamp(deleting ? "2025-06-01T11:59:00Z" : null).endMetadata()
                .withNewSpec().withFinalizers(finalizers).endSpec()
                .withNewStatus().withPhase(phase).endStatus().build();
    }

    static GenericKubernetesResource item(String name, String deletionTimestamp, String... finalizers) {
        return new GenericKubernetesResourceBuilder().withApiVersion("v1").withKind("Pod").withNewMetadata()
                .withNamespace("team").withName(name).withDeletionTimestamp(deletionTimestamp)
                .withFinalizers(finalizers).endMetadata().build();
    }

    static APIResourceList resources(String groupVersion, io.fabric8.kubernetes.api.model.APIResource... resources) {
        return new APIResourceListBuilder().withGroupVersion(groupVersion).withResources(resources).build();
    }

    static io.fabric8.kubernetes.api.model.APIResource resource(String name, boolean namespaced, String... verbs) {
        return new APIResourceBuilder().withName(name).withNamespaced(namespaced).withVerbs(verbs)
                .withKind("Thing").withSingularName("").build();
    }
}
