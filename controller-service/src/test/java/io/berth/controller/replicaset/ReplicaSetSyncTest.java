package io.berth.controller.replicaset;

import io.berth.controller.runtime.Caches;
import io.berth.controller.runtime.EventRecorder;
import io.berth.controller.runtime.Expectations;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.client.informers.impl.cache.CacheImpl;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The replica set sync against hand-filled caches and a recording pod seam: what it writes, and what it does not. */
class ReplicaSetSyncTest {

    private final List<String> actions = new ArrayList<>();
    private final List<ReplicaSetStatus> statuses = new ArrayList<>();
    private final Expectations expectations = Expectations.standard();
    private final List<Event> recorded = new ArrayList<>();
    private final EventRecorder events = new EventRecorder(recorded::add, Clock.systemUTC(), "test", "test");
    private ReplicaSet live;

    private final PodControl control = new PodControl() {
        @Override
        public CompletableFuture<String> create(Pod pod) {
            synchronized (actions) {
                actions.add("create " + pod.getMetadata().getGenerateName() + " owned by "
                        + pod.getMetadata().getOwnerReferences().get(0).getUid());
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<String> delete(String namespace, String name, String uid) {
            synchronized (actions) {
                actions.add("delete " + name);
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<String> setOwners(Pod pod, List<OwnerReference> references) {
            synchronized (actions) {
                actions.add("owners of " + pod.getMetadata().getName() + ": "
                        + references.stream().map(OwnerReference::getUid).toList());
            }
            return CompletableFuture.completedFuture(null);
        }
    };

    private final ReplicaSets sets = new ReplicaSets() {
        @Override
        public ReplicaSet live(String namespace, String name) {
            return live;
        }

        @Override
        public void updateStatus(ReplicaSet rs, ReplicaSetStatus status) {
            statuses.add(status);
        }
    };

    static ReplicaSet rs(int replicas) {
        return new ReplicaSetBuilder().withNewMetadata().withName("web").withNamespace("ns").withUid("rs-uid")
                .withGeneration(1L).endMetadata()
                .withNewSpec().withReplicas(replicas)
                .withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("host").endContainer().endSpec()
                .endTemplate().endSpec().build();
    }

    static Pod owned(String name, String app) {
        return new PodBuilder(ReplicaSetPlanTest.running(name, "n-" + name, "2026-11-28T10:00:00Z",
                "2026-11-28T10:00:00Z")).editMetadata().addToLabels("app", app)
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("web")
                .withUid("rs-uid").withController(true).endOwnerReference().endMetadata().build();
    }

    private ReplicaSetSync sync(ReplicaSet rs, Pod... pods) {
        CacheImpl<ReplicaSet> setCache = Caches.of(rs);
        return new ReplicaSetSync(Caches.lister(setCache), Caches.indexed(pods), expectations, control,
                sets, events, Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC));
    }

    @Test
    void aNewSetCreatesItsPodsOnceEvenWhenSyncedAgainBeforeTheCacheSeesThem() throws Exception {
        ReplicaSetSync sync = new ReplicaSetSync(Caches.lister(Caches.of(rs(3))), Caches.indexed(),
                expectations, control, sets, events, Clock.systemUTC());
        sync.reconcile("ns/web");
        assertThat(actions).containsExactly("create web- owned by rs-uid", "create web- owned by rs-uid",
                "create web- owned by rs-uid");
        actions.clear();

        sync.reconcile("ns/web");
        assertThat(actions).as("the cache has not seen the pods yet: expectations hold the second sync").isEmpty();

        expectations.creationObserved("ns/web");
        expectations.creationObserved("ns/web");
        expectations.creationObserved("ns/web");
        assertThat(expectations.satisfied("ns/web")).isTrue();
    }

    @Test
    void aSetAboveItsSizeDeletesTheSurplusAndWritesItsStatus() throws Exception {
        Pod a = owned("a", "web");
        Pod b = owned("b", "web");
        Pod pending = new PodBuilder(owned("c", "web")).editStatus().withPhase("Pending").withConditions()
                .endStatus().build();
        sync(rs(2), a, b, pending).reconcile("ns/web");
        assertThat(actions).containsExactly("delete c");
        assertThat(statuses).singleElement().satisfies(s -> {
            assertThat(s.getReplicas()).isEqualTo(3);
            assertThat(s.getReadyReplicas()).isEqualTo(2);
        });
        assertThat(recorded).singleElement().satisfies(e -> assertThat(e.getReason()).isEqualTo("SuccessfulDelete"));
    }

    @Test
    void aMatchingOrphanIsAdoptedAfterTheSetIsReadLiveAndCountsTowardsReplicas() throws Exception {
        Pod orphan = new PodBuilder(owned("orphan", "web")).editMetadata().withOwnerReferences().endMetadata().build();
        live = rs(1);
        sync(rs(1), orphan).reconcile("ns/web");
        assertThat(actions).containsExactly("owners of orphan: [rs-uid]");
    }

    @Test
    void anOrphanIsNotAdoptedWhenTheSetWasRecreatedUnderItsName() throws Exception {
        Pod orphan = new PodBuilder(owned("orphan", "web")).editMetadata().withOwnerReferences().endMetadata().build();
        live = new ReplicaSetBuilder(rs(1)).editMetadata().withUid("another-uid").endMetadata().build();
        sync(rs(1), orphan).reconcile("ns/web");
        assertThat(actions).containsExactly("create web- owned by rs-uid");
    }

    @Test
    void anOwnedPodThatStoppedMatchingIsReleasedAndReplaced() throws Exception {
        sync(rs(1), owned("moved", "api")).reconcile("ns/web");
        assertThat(actions).containsExactly("owners of moved: []", "create web- owned by rs-uid");
    }

    @Test
    void podsOfAnotherControllerAreNeverTouched() throws Exception {
        Pod theirs = new PodBuilder(owned("theirs", "web")).editMetadata().editFirstOwnerReference()
                .withUid("other-rs").endOwnerReference().endMetadata().build();
        sync(rs(0), theirs).reconcile("ns/web");
        assertThat(actions).isEmpty();
    }
}
