package io.berth.controller.garbagecollector;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static io.berth.controller.garbagecollector.Fixtures.PODS;
import static io.berth.controller.garbagecollector.Fixtures.REPLICA_SETS;
import static io.berth.controller.garbagecollector.Fixtures.deletingRs;
import static io.berth.controller.garbagecollector.Fixtures.pod;
import static io.berth.controller.garbagecollector.Fixtures.ref;
import static io.berth.controller.garbagecollector.Fixtures.rs;
import static io.berth.controller.garbagecollector.Fixtures.rsRef;
import static org.assertj.core.api.Assertions.assertThat;

class DependencyGraphTest {

    private final DependencyGraph graph = new DependencyGraph();

    @Test
    void podsWhoseReplicaSetIsInTheCachesAreNeverSyncedNorAreTheirStatusUpdates() {
        Set<String> synced = new HashSet<>();
        for (int r = 0; r < 1_000; r++) {
            synced.addAll(graph.observe(REPLICA_SETS, rs("rs" + r, "u-rs" + r)));
            for (int p = 0; p < 10; p++) {
                OwnerReference owner = rsRef("rs" + r, "u-rs" + r);
                synced.addAll(graph.observe(PODS, pod("rs" + r + "-" + p, "u-p" + r + "-" + p, owner)));
                Pod running = pod("rs" + r + "-" + p, "u-p" + r + "-" + p, owner);
                running.getMetadata().setResourceVersion("11");
                running.setStatus(new PodStatus());
                running.getStatus().setPhase("Running");
                synced.addAll(graph.observe(PODS, running));
            }
        }

        assertThat(synced).isEmpty();
        assertThat(graph.size()).isEqualTo(11_000);
        assertThat(graph.dependents("u-rs7")).hasSize(10);
    }

    @Test
    void aPodSeenBeforeItsReplicaSetIsSyncedOnceAndTheReplicaSetThenNeedsNothing() {
        assertThat(graph.observe(PODS, pod("p", "u-p", rsRef("rs", "u-rs")))).containsExactly("u-p");

        assertThat(graph.observe(REPLICA_SETS, rs("rs", "u-rs"))).isEmpty();
        assertThat(graph.owner("u-rs", "apps/ReplicaSet/default/rs").object()).isNotNull();
    }

    @Test
    void deletingAnOwnerSyncsItsDependentsAndRemembersItIsGoneUntilTheyAreGone() {
        graph.observe(REPLICA_SETS, rs("rs", "u-rs"));
        Pod p = pod("p", "u-p", rsRef("rs", "u-rs"));
        Pod q = pod("q", "u-q", rsRef("rs", "u-rs"));
        graph.observe(PODS, p);
        graph.observe(PODS, q);

        assertThat(graph.forget(rs("rs", "u-rs"))).containsExactlyInAnyOrder("u-p", "u-q");
        assertThat(graph.owner("u-rs", "apps/ReplicaSet/default/rs").absent()).isTrue();

        graph.forget(p);
        graph.forget(q);
        assertThat(graph.size()).as("nothing is kept once the last dependent went").isZero();
    }

    @Test
    void aPodReferencingAnOwnerGoneFromTheCachesIsSyncedWhenItAppears() {
        graph.observe(REPLICA_SETS, rs("rs", "u-rs"));
        graph.observe(PODS, pod("p", "u-p", rsRef("rs", "u-rs")));
        graph.forget(rs("rs", "u-rs"));

        assertThat(graph.observe(PODS, pod("q", "u-q", rsRef("rs", "u-rs")))).containsExactly("u-q");
    }

    @Test
    void aReferenceThatNamesAnObservedOwnerDifferentlyIsSynced() {
        graph.observe(REPLICA_SETS, rs("rs", "u-rs"));

        assertThat(graph.observe(PODS, pod("p", "u-p", rsRef("other-name", "u-rs")))).containsExactly("u-p");
        Pod elsewhere = new PodBuilder(pod("q", "u-q", rsRef("rs", "u-rs"))).editMetadata().withNamespace("team-b")
                .endMetadata().build();
        assertThat(graph.observe(PODS, elsewhere)).as("an owner in another namespace").containsExactly("u-q");
        assertThat(graph.observe(PODS, pod("r", "u-r", ref("v1", "ReplicationController", "rs", "u-rs", true))))
                .as("another kind").containsExactly("u-r");
    }

    @Test
    void dependentsSeenBeforeAnOwnerThatDoesNotMatchTheirReferenceAreSyncedWhenItComes() {
        graph.observe(PODS, pod("p", "u-p", rsRef("rs", "u-rs")));
        graph.observe(PODS, pod("q", "u-q", rsRef("not-rs", "u-rs")));

        assertThat(graph.observe(REPLICA_SETS, rs("rs", "u-rs"))).containsExactly("u-q");
    }

    @Test
    void anOwnerEnteringForegroundDeletionSyncsItselfAndEveryDependent() {
        graph.observe(REPLICA_SETS, rs("rs", "u-rs"));
        graph.observe(PODS, pod("p", "u-p", rsRef("rs", "u-rs")));
        graph.observe(PODS, pod("q", "u-q", ref("apps/v1", "ReplicaSet", "rs", "u-rs", false)));

        assertThat(graph.observe(REPLICA_SETS, deletingRs("rs", "u-rs", "foregroundDeletion")))
                .containsExactlyInAnyOrder("u-rs", "u-p", "u-q");
        assertThat(graph.observe(REPLICA_SETS, deletingRs("rs", "u-rs", "foregroundDeletion")))
                .as("only the entry syncs the dependents").containsExactly("u-rs");
    }

    @Test
    void anOwnerDeletedWithOrphanPolicyIsSynced() {
        graph.observe(REPLICA_SETS, rs("rs", "u-rs"));

        assertThat(graph.observe(REPLICA_SETS, deletingRs("rs", "u-rs", "orphan"))).containsExactly("u-rs");
    }

    @Test
    void aForegroundOwnerIsSyncedWhenABlockingDependentGoesDropsTheReferenceOrStopsBlocking() {
        ReplicaSet owner = deletingRs("rs", "u-rs", "foregroundDeletion");
        graph.observe(REPLICA_SETS, owner);
        Pod p = pod("p", "u-p", rsRef("rs", "u-rs"));
        Pod q = pod("q", "u-q", rsRef("rs", "u-rs"));
        Pod r = pod("r", "u-r", rsRef("rs", "u-rs"));
        graph.observe(PODS, p);
        graph.observe(PODS, q);
        graph.observe(PODS, r);

        assertThat(graph.forget(p)).containsExactly("u-rs");
        assertThat(graph.observe(PODS, pod("q", "u-q"))).as("reference removed").containsExactly("u-rs");
        assertThat(graph.observe(PODS, pod("r", "u-r", ref("apps/v1", "ReplicaSet", "rs", "u-rs", false))))
                .as("no longer blocking: the owner checks again, and the dependent is still garbage")
                .containsExactlyInAnyOrder("u-rs", "u-r");
        assertThat(graph.dependents("u-rs")).extracting(s -> s.ref().name()).containsExactly("r");
    }

    @Test
    void aDependentBeingDeletedIsNotSyncedAsOne() {
        Pod deleting = new PodBuilder(pod("p", "u-p", rsRef("rs", "u-rs"))).editMetadata()
                .withDeletionTimestamp(Fixtures.DELETED_AT).endMetadata().build();

        assertThat(graph.observe(PODS, deleting)).as("although its owner was never seen").isEmpty();
        assertThat(graph.hasDependents("u-rs")).as("it still blocks its owner").isTrue();
    }

    @Test
    void aDeletionWhoseLastStateIsUnknownUsesTheGraphsOwnCopy() {
        graph.observe(REPLICA_SETS, deletingRs("rs", "u-rs", "foregroundDeletion"));
        graph.observe(PODS, pod("p", "u-p", rsRef("rs", "u-rs")));
        Pod stale = pod("p", "u-p");

        assertThat(graph.forget(stale)).containsExactly("u-rs");
        assertThat(graph.hasDependents("u-rs")).isFalse();
    }

    @Test
    void aVerifiedAbsenceHoldsOnlyForTheCoordinatesThatWereLookedUp() {
        graph.observe(PODS, pod("p", "u-p", rsRef("rs", "u-rs")));

        graph.markAbsent("u-rs", "apps/ReplicaSet/default/rs");

        assertThat(graph.owner("u-rs", "apps/ReplicaSet/default/rs").absent()).isTrue();
        assertThat(graph.owner("u-rs", "apps/ReplicaSet/default/other").absent()).isFalse();
    }

    @Test
    void anOwnerThatIsAlsoADependentKeepsBothRoles() {
        ReplicaSet owned = new ReplicaSetBuilder(rs("rs", "u-rs")).editMetadata()
                .withOwnerReferences(ref("apps/v1", "Deployment", "d", "u-d", true)).endMetadata().build();
        graph.observe(REPLICA_SETS, owned);
        graph.observe(PODS, pod("p", "u-p", rsRef("rs", "u-rs")));

        assertThat(graph.forget(owned)).containsExactly("u-p");
        assertThat(graph.hasDependents("u-d")).isFalse();
    }
}
