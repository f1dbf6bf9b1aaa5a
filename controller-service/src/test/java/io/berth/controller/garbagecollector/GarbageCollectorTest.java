package io.berth.controller.garbagecollector;

import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.controller.runtime.RateLimiter;
import io.berth.controller.runtime.Result;
import io.berth.controller.runtime.WorkQueue;
import io.berth.controller.runtime.WorkQueueMetrics;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;

import static io.berth.controller.garbagecollector.Fixtures.CLUSTER_ROLES;
import static io.berth.controller.garbagecollector.Fixtures.PODS;
import static io.berth.controller.garbagecollector.Fixtures.REPLICA_SETS;
import static io.berth.controller.garbagecollector.Fixtures.clusterRole;
import static io.berth.controller.garbagecollector.Fixtures.deletingPod;
import static io.berth.controller.garbagecollector.Fixtures.deletingRs;
import static io.berth.controller.garbagecollector.Fixtures.pod;
import static io.berth.controller.garbagecollector.Fixtures.podRef;
import static io.berth.controller.garbagecollector.Fixtures.ref;
import static io.berth.controller.garbagecollector.Fixtures.rs;
import static io.berth.controller.garbagecollector.Fixtures.rsObjectRef;
import static io.berth.controller.garbagecollector.Fixtures.rsRef;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GarbageCollectorTest {

    /** Records what the garbage collector asks of the API; answers GETs from {@link #live}. */
    static final class RecordingClient implements GarbageCollectorClient {
        final List<Action> applied = new ArrayList<>();
        final List<String> gets = new ArrayList<>();
        final Map<String, ObjectMeta> live = new HashMap<>();
        Predicate<Action> conflicts = a -> false;

        @Override
        public Optional<ObjectMeta> get(ResourceType type, String namespace, String name) {
            String key = type.kind() + " " + namespace + "/" + name;
            gets.add(key);
            return Optional.ofNullable(live.get(key));
        }

        @Override
        public void apply(Action action) throws ConflictException {
            if (conflicts.test(action)) {
                throw new ConflictException("409: the object has been modified");
            }
            applied.add(action);
        }
    }

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final WorkQueue queue = new WorkQueue(RateLimiter.controllerDefault(), timer, WorkQueueMetrics.none(),
            System::nanoTime);
    private final DependencyGraph graph = new DependencyGraph();
    private final RecordingClient client = new RecordingClient();
    private final GarbageCollector gc = new GarbageCollector(graph, new Kinds(ResourceRegistry.builtIn()), client,
            queue);

    @AfterEach
    void stop() {
        queue.close();
        timer.shutdownNow();
    }

    @Test
    void aPodWhoseReplicaSetIsInTheCachesCostsNoApiCall() throws Exception {
        graph.observe(REPLICA_SETS, rs("rs", "u-rs"));
        graph.observe(PODS, pod("p", "u-p", rsRef("rs", "u-rs")));

        assertThat(gc.reconcile("u-p")).isEqualTo(Result.done());

        assertThat(client.gets).isEmpty();
        assertThat(client.applied).isEmpty();
    }

    @Test
    void aPodOfADeletedReplicaSetIsDeletedInTheBackgroundGuardedByItsUidAndResourceVersion() throws Exception {
        graph.observe(REPLICA_SETS, rs("rs", "u-rs"));
        graph.observe(PODS, pod("p", "u-p", rsRef("rs", "u-rs")));
        Set<String> synced = graph.forget(rs("rs", "u-rs"));

        for (String uid : synced) {
            gc.reconcile(uid);
        }

        assertThat(client.applied).containsExactly(new Action.Delete(podRef("p", "u-p"), "10", Action.BACKGROUND));
        assertThat(client.gets).as("a deletion the informer showed needs no lookup").isEmpty();
    }

    @Test
    void anOwnerTheCachesNeverShowedIsLookedUpOnceAndRememberedAbsent() throws Exception {
        graph.observe(PODS, pod("p", "u-p", rsRef("rs", "u-rs")));
        graph.observe(PODS, pod("q", "u-q", rsRef("rs", "u-rs")));

        gc.reconcile("u-p");
        gc.reconcile("u-q");

        assertThat(client.gets).containsExactly("ReplicaSet default/rs");
        assertThat(client.applied).containsExactly(
                new Action.Delete(podRef("p", "u-p"), "10", Action.BACKGROUND),
                new Action.Delete(podRef("q", "u-q"), "10", Action.BACKGROUND));
    }

    @Test
    void anOwnerRecreatedWithTheSameNameCountsAsAbsent() throws Exception {
        graph.observe(REPLICA_SETS, rs("rs", "u-new"));
        graph.observe(PODS, pod("p", "u-p", rsRef("rs", "u-old")));
        client.live.put("ReplicaSet default/rs", new ObjectMetaBuilder().withName("rs").withUid("u-new").build());

        gc.reconcile("u-p");

        assertThat(client.applied).containsExactly(new Action.Delete(podRef("p", "u-p"), "10", Action.BACKGROUND));
    }

    @Test
    void anOwnerFoundLiveKeepsThePodAndIsCheckedAgainUntilTheInformerShowsIt() throws Exception {
        graph.observe(PODS, pod("p", "u-p", rsRef("rs", "u-rs")));
        client.live.put("ReplicaSet default/rs", new ObjectMetaBuilder().withName("rs").withUid("u-rs").build());

        assertThat(gc.reconcile("u-p")).isEqualTo(Result.requeueAfter(GarbageCollector.UNOBSERVED_OWNER_RECHECK));
        graph.observe(REPLICA_SETS, rs("rs", "u-rs"));
        assertThat(gc.reconcile("u-p")).isEqualTo(Result.done());

        assertThat(client.gets).hasSize(1);
        assertThat(client.applied).isEmpty();
    }

    @Test
    void foregroundDeletionDeletesTheDependentsThenReleasesTheOwnerOnceNoneBlocks() throws Exception {
        graph.observe(REPLICA_SETS, rs("rs", "u-rs"));
        graph.observe(PODS, pod("p", "u-p", rsRef("rs", "u-rs")));
        graph.observe(PODS, pod("q", "u-q", rsRef("rs", "u-rs")));
        graph.observe(PODS, pod("r", "u-r", ref("apps/v1", "ReplicaSet", "rs", "u-rs", false)));

        Set<String> synced = graph.observe(REPLICA_SETS, deletingRs("rs", "u-rs", "foregroundDeletion"));
        assertThat(synced).containsExactlyInAnyOrder("u-rs", "u-p", "u-q", "u-r");
        for (String uid : synced) {
            gc.reconcile(uid);
        }
        assertThat(client.applied).containsExactlyInAnyOrder(
                new Action.Delete(podRef("p", "u-p"), "10", Action.BACKGROUND),
                new Action.Delete(podRef("q", "u-q"), "10", Action.BACKGROUND),
                new Action.Delete(podRef("r", "u-r"), "10", Action.BACKGROUND));
        assertThat(drain()).as("the owner syncs its blocking dependents").containsExactlyInAnyOrder("u-p", "u-q");
        client.applied.clear();

        // p goes at once; q is terminating (a pod with a grace period) and still blocks
        graph.forget(pod("p", "u-p"));
        graph.observe(PODS, deletingPod("q", "u-q", rsRef("rs", "u-rs")));
        gc.reconcile("u-rs");
        assertThat(client.applied).isEmpty();

        assertThat(graph.forget(pod("q", "u-q"))).containsExactly("u-rs");
        gc.reconcile("u-rs");
        assertThat(client.applied).as("r does not block").containsExactly(new Action.RemoveFinalizer(
                rsObjectRef("rs", "u-rs"), "2", "foregroundDeletion", List.of()));
    }

    @Test
    void orphanDeletionStripsTheReferenceFromEveryDependentThenRemovesTheFinalizer() throws Exception {
        graph.observe(REPLICA_SETS, rs("rs", "u-rs"));
        graph.observe(PODS, pod("p", "u-p", rsRef("rs", "u-rs"), rsRef("other", "u-other")));
        graph.observe(PODS, pod("q", "u-q", rsRef("rs", "u-rs")));

        for (String uid : graph.observe(REPLICA_SETS, deletingRs("rs", "u-rs", "orphan"))) {
            gc.reconcile(uid);
        }

        assertThat(client.applied).hasSize(3).endsWith(
                new Action.RemoveFinalizer(rsObjectRef("rs", "u-rs"), "2", "orphan", List.of()));
        assertThat(client.applied).contains(
                new Action.UpdateOwnerReferences(podRef("p", "u-p"), "10", List.of(rsRef("other", "u-other"))),
                new Action.UpdateOwnerReferences(podRef("q", "u-q"), "10", List.of()));
    }

    @Test
    void aFailedOrphaningKeepsTheFinalizerAndFailsTheSyncForARetry() {
        graph.observe(PODS, pod("p", "u-p", rsRef("rs", "u-rs")));
        graph.observe(REPLICA_SETS, deletingRs("rs", "u-rs", "orphan"));
        client.conflicts = a -> a instanceof Action.UpdateOwnerReferences;

        assertThatThrownBy(() -> gc.reconcile("u-rs")).isInstanceOf(GarbageCollectorClient.ConflictException.class);

        assertThat(client.applied).isEmpty();
    }

    @Test
    void aDeleteRefusedForAStaleCopyFailsTheSyncForARetry() {
        graph.observe(PODS, pod("p", "u-p", rsRef("rs", "u-rs")));
        graph.forget(rs("rs", "u-rs"));
        client.conflicts = a -> a instanceof Action.Delete;

        assertThatThrownBy(() -> gc.reconcile("u-p")).isInstanceOf(GarbageCollectorClient.ConflictException.class);
    }

    @Test
    void aClusterScopedObjectNamingANamespacedOwnerIsReportedWithoutALookup() throws Exception {
        graph.observe(CLUSTER_ROLES, clusterRole("role", "u-role", rsRef("rs", "u-rs")));

        gc.reconcile("u-role");

        assertThat(client.gets).isEmpty();
        assertThat(client.applied).singleElement().isInstanceOfSatisfying(Action.Warn.class, w -> {
            assertThat(w.about()).isEqualTo(new ObjectRef(CLUSTER_ROLES, null, "role", "u-role"));
            assertThat(w.reason()).isEqualTo("OwnerRefInvalidNamespace");
        });
    }

    @Test
    void aPodReferencingAReplicaSetInAnotherNamespaceIsReportedAndCollected() throws Exception {
        graph.observe(REPLICA_SETS, new ReplicaSetBuilder(rs("rs", "u-rs")).editMetadata().withNamespace("team-b")
                .endMetadata().build());
        Pod p = pod("p", "u-p", rsRef("rs", "u-rs"));
        assertThat(graph.observe(PODS, p)).containsExactly("u-p");

        gc.reconcile("u-p");

        assertThat(client.gets).as("looked up in the pod's own namespace").containsExactly("ReplicaSet default/rs");
        assertThat(client.applied).hasSize(2).first().isInstanceOf(Action.Warn.class);
        assertThat(client.applied.get(1)).isEqualTo(new Action.Delete(podRef("p", "u-p"), "10", Action.BACKGROUND));
    }

    @Test
    void aUidTheGraphNoLongerHoldsNeedsNothing() throws Exception {
        assertThat(gc.reconcile("u-gone")).isEqualTo(Result.done());
        assertThat(client.applied).isEmpty();
    }

    private Set<String> drain() throws InterruptedException {
        Set<String> keys = new LinkedHashSet<>();
        while (queue.length() > 0) {
            String key = queue.get();
            keys.add(key);
            queue.done(key);
        }
        return keys;
    }
}
