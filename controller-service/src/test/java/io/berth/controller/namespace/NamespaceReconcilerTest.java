package io.berth.controller.namespace;

import io.berth.controller.runtime.Result;
import io.berth.controller.testing.Caches;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static io.berth.controller.namespace.DeletionPlanTest.namespace;
import static io.berth.controller.namespace.DeletionPlanTest.resource;
import static io.berth.controller.namespace.DeletionPlanTest.resources;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The namespace controller's sync against a recording in-memory API ({@link FakeNamespaceApi}). */
class NamespaceReconcilerTest {

    static final Instant NOW = DeletionPlanTest.NOW;
    static final GroupVersionResource PODS = new GroupVersionResource("", "v1", "pods");
    static final GroupVersionResource CONFIG_MAPS = new GroupVersionResource("", "v1", "configmaps");
    static final GroupVersionResource DEPLOYMENTS = new GroupVersionResource("apps", "v1", "deployments");
    static final GroupVersionResource WIDGETS = new GroupVersionResource("example.com", "v1", "widgets");

    final List<String> events = new ArrayList<>();
    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    FakeNamespaceApi api(Namespace namespace) {
        FakeNamespaceApi api = new FakeNamespaceApi(namespace, NOW);
        api.discovery.add(resources("v1",
                resource("pods", true, "create", "delete", "deletecollection", "get", "list", "watch"),
                resource("pods/status", true, "get", "patch", "update"),
                resource("configmaps", true, "create", "delete", "deletecollection", "get", "list"),
                resource("namespaces", false, "create", "delete", "get", "list")));
        api.discovery.add(resources("apps/v1", resource("deployments", true, "delete", "deletecollection", "list")));
        return api;
    }

    NamespaceReconciler reconciler(Namespace cached, FakeNamespaceApi api) {
        return new NamespaceReconciler(Caches.of(cached).lister(), api,
                (about, reason, message) -> events.add(reason + ": " + message), clock);
    }

    @Test
    void a_terminating_namespace_is_emptied_then_finalized_and_the_api_service_removes_it() {
        Namespace ns = namespace(true, "Terminating", "kubernetes");
        FakeNamespaceApi api = api(ns);
        api.add(CONFIG_MAPS, "settings");
        api.add(CONFIG_MAPS, "kube-root-ca.crt");
        api.add(DEPLOYMENTS, "web");

        Result result = reconciler(ns, api).reconcile("team");

        assertThat(result).isEqualTo(Result.done());
        assertThat(api.calls).containsExactly("get", "discover",
                "deletecollection pods.", "list pods.",
                "deletecollection configmaps.", "list configmaps.",
                "deletecollection deployments.apps", "list deployments.apps",
                "status Terminating []",
                "finalize []");
        assertThat(api.namespace()).as("finalized and removed").isNull();
        assertThat(events).isEmpty();
    }

    @Test
    void pods_in_their_grace_period_keep_the_namespace_waiting_until_their_node_agents_are_done() {
        Namespace ns = namespace(true, "Terminating", "kubernetes");
        FakeNamespaceApi api = api(ns);
        api.add(PODS, "web-1");
        api.graceful.add("web-1");
        NamespaceReconciler reconciler = reconciler(ns, api);

        Result waiting = reconciler.reconcile("team");

        assertThat(waiting.requeueAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(api.calls).doesNotContain("finalize []").contains("status Terminating [NamespaceContentRemaining]");
        assertThat(condition(api.namespace(), "NamespaceContentRemaining").getMessage())
                .isEqualTo("Some resources are remaining: pods. has 1 resource instances");

        api.objects.get(PODS).clear();
        api.calls.clear();
        Result done = reconciler.reconcile("team");

        assertThat(done).isEqualTo(Result.done());
        assertThat(api.calls).contains("status Terminating []", "finalize []");
        assertThat(api.namespace()).isNull();
    }

    @Test
    void objects_held_by_finalizers_keep_it_waiting_and_the_finalizers_are_named() {
        Namespace ns = namespace(true, "Terminating", "kubernetes");
        FakeNamespaceApi api = api(ns);
        api.add(CONFIG_MAPS, "held", "example.com/hold");

        Result result = reconciler(ns, api).reconcile("team");

        assertThat(result.requeueAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(condition(api.namespace(), "NamespaceFinalizersRemaining").getMessage())
                .isEqualTo("Some content in the namespace has finalizers remaining: example.com/hold in 1 resource"
                        + " instances");
        assertThat(api.namespace().getSpec().getFinalizers()).containsExactly("kubernetes");
    }

    @Test
    void a_second_sync_with_nothing_changed_writes_no_conditions_again() {
        Namespace ns = namespace(true, "Terminating", "kubernetes");
        FakeNamespaceApi api = api(ns);
        api.add(PODS, "web-1");
        api.graceful.add("web-1");
        NamespaceReconciler reconciler = reconciler(ns, api);
        reconciler.reconcile("team");
        api.calls.clear();

        reconciler.reconcile("team");

        assertThat(api.calls).noneMatch(call -> call.startsWith("status"));
    }

    @Test
    void only_kubernetes_is_removed_from_spec_finalizers_and_another_finalizer_keeps_the_namespace() {
        Namespace ns = namespace(true, "Terminating", "kubernetes", "example.com/mine");
        FakeNamespaceApi api = api(ns);

        reconciler(ns, api).reconcile("team");

        assertThat(api.calls).contains("finalize [example.com/mine]");
        assertThat(api.namespace().getSpec().getFinalizers()).containsExactly("example.com/mine");
    }

    @Test
    void resources_without_deletecollection_are_listed_and_deleted_one_by_one() {
        Namespace ns = namespace(true, "Terminating", "kubernetes");
        FakeNamespaceApi api = api(ns);
        api.discovery.add(resources("example.com/v1", resource("widgets", true, "delete", "get", "list")));
        api.add(WIDGETS, "a");
        api.add(WIDGETS, "b");

        reconciler(ns, api).reconcile("team");

        assertThat(api.calls).containsSubsequence("list widgets.example.com", "delete widgets.example.com a",
                "delete widgets.example.com b", "list widgets.example.com", "finalize []");
        assertThat(api.calls).doesNotContain("deletecollection widgets.example.com");
    }

    @Test
    void a_namespace_marked_for_deletion_is_set_terminating_before_its_content_goes() {
        Namespace ns = namespace(true, "Active", "kubernetes");
        FakeNamespaceApi api = api(ns);

        reconciler(ns, api).reconcile("team");

        assertThat(api.calls).startsWith("get", "status Terminating", "discover");
    }

    @Test
    void a_namespace_not_marked_for_deletion_costs_no_api_call() {
        Namespace ns = namespace(false, "Active", "kubernetes");
        FakeNamespaceApi api = api(ns);

        assertThat(reconciler(ns, api).reconcile("team")).isEqualTo(Result.done());
        assertThat(reconciler(ns, api).reconcile("gone")).isEqualTo(Result.done());
        assertThat(api.calls).isEmpty();
    }

    @Test
    void a_namespace_already_finalized_or_gone_from_the_api_is_left_alone() {
        Namespace finalized = namespace(true, "Terminating", "example.com/mine");
        FakeNamespaceApi api = api(finalized);
        reconciler(finalized, api).reconcile("team");
        assertThat(api.calls).containsExactly("get");

        Namespace ns = namespace(true, "Terminating", "kubernetes");
        FakeNamespaceApi emptied = api(ns);
        reconciler(ns, emptied).reconcile("team");
        emptied.calls.clear();
        reconciler(ns, emptied).reconcile("team");
        assertThat(emptied.calls).containsExactly("get");
    }

    @Test
    void a_failed_deletion_goes_on_with_the_other_resources_fails_the_sync_and_is_reported_once() {
        Namespace ns = namespace(true, "Terminating", "kubernetes");
        FakeNamespaceApi api = api(ns);
        api.add(CONFIG_MAPS, "settings");
        api.add(DEPLOYMENTS, "web");
        api.failing.put("deletecollection configmaps.", new NamespaceApi.Failure(500, "etcd is down"));
        NamespaceReconciler reconciler = reconciler(ns, api);

        assertThatThrownBy(() -> reconciler.reconcile("team")).hasMessageContaining("etcd is down");
        assertThatThrownBy(() -> reconciler.reconcile("team")).hasMessageContaining("etcd is down");

        assertThat(api.objects.get(DEPLOYMENTS)).isEmpty();
        assertThat(api.calls).doesNotContain("finalize []");
        assertThat(condition(api.namespace(), "NamespaceDeletionContentFailure").getMessage())
                .isEqualTo("Failed to delete all resource types, 1 remaining: etcd is down");
        assertThat(events).containsExactly("ContentDeletionFailed: etcd is down");
    }

    @Test
    void an_incomplete_discovery_still_deletes_what_was_found_then_fails() {
        Namespace ns = namespace(true, "Terminating", "kubernetes");
        FakeNamespaceApi api = api(ns);
        api.failedDiscovery.put("example.com/v1", "the server is currently unable to handle the request");
        api.add(CONFIG_MAPS, "settings");

        assertThatThrownBy(() -> reconciler(ns, api).reconcile("team"))
                .hasMessageContaining("unable to retrieve the complete list of server APIs");

        assertThat(api.objects.get(CONFIG_MAPS)).isEmpty();
        NamespaceCondition discovery = condition(api.namespace(), "NamespaceDeletionDiscoveryFailure");
        assertThat(discovery.getStatus()).isEqualTo("True");
        assertThat(discovery.getMessage()).isEqualTo("Discovery failed for some groups, 1 failing: unable to retrieve"
                + " the complete list of server APIs: example.com/v1: the server is currently unable to handle the"
                + " request");
        assertThat(events).singleElement().asString().startsWith("DiscoveryFailed: ");
    }

    @Test
    void an_object_that_should_have_gone_fails_the_sync() {
        Namespace ns = namespace(true, "Terminating", "kubernetes");
        FakeNamespaceApi api = api(ns);
        api.add(CONFIG_MAPS, "late");
        api.stubborn.add("late");
        NamespaceReconciler reconciler = reconciler(ns, api);

        assertThatThrownBy(() -> reconciler.reconcile("team"))
                .hasMessageContaining("unexpected items still remain in namespace: team for gvr: /v1,"
                        + " Resource=configmaps");
    }

    @Test
    void a_finalize_that_conflicts_is_retried_on_the_namespace_read_again() {
        Namespace ns = namespace(true, "Terminating", "kubernetes");
        FakeNamespaceApi api = api(ns);
        api.finalizeConflicts = 1;

        assertThat(reconciler(ns, api).reconcile("team")).isEqualTo(Result.done());

        assertThat(api.calls).endsWith("finalize []", "get", "finalize []");
        assertThat(api.namespace()).isNull();
    }

    private static NamespaceCondition condition(Namespace ns, String type) {
        return ns.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst()
                .orElseThrow();
    }
}
