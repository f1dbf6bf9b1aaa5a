package io.berth.controller.garbagecollector;

import io.berth.controller.garbagecollector.OwnerState.Presence;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.berth.controller.garbagecollector.Fixtures.CLUSTER_ROLES;
import static io.berth.controller.garbagecollector.Fixtures.podRef;
import static io.berth.controller.garbagecollector.Fixtures.podState;
import static io.berth.controller.garbagecollector.Fixtures.ref;
import static io.berth.controller.garbagecollector.Fixtures.rsObjectRef;
import static io.berth.controller.garbagecollector.Fixtures.rsRef;
import static org.assertj.core.api.Assertions.assertThat;

class GarbageCollectionPlanTest {

    private static final OwnerReference RS1 = rsRef("rs1", "u-rs1");
    private static final OwnerReference RS2 = rsRef("rs2", "u-rs2");
    private static final OwnerReference RS1_NON_BLOCKING = ref("apps/v1", "ReplicaSet", "rs1", "u-rs1", false);
    private static final OwnerReference WIDGET = ref("example.com/v1", "Widget", "w", "u-w", false);
    private static final ObjectRef POD = podRef("p", "u-p");

    record DependentRow(String name, ObjectState item, List<OwnerState> owners, boolean hasDependents,
                        boolean aDependentDeletesDependents, List<Action> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<DependentRow> dependents() {
        return Stream.of(
                new DependentRow("an object whose only owner is gone is deleted in the background",
                        podState("p", "u-p", RS1), List.of(dangling(RS1)), false, false,
                        List.of(new Action.Delete(POD, "10", Action.BACKGROUND))),
                new DependentRow("an object whose owners are all gone is deleted in the background",
                        podState("p", "u-p", RS1, RS2), List.of(dangling(RS1), dangling(RS2)), false, false,
                        List.of(new Action.Delete(POD, "10", Action.BACKGROUND))),
                new DependentRow("an object whose owners all exist is left alone",
                        podState("p", "u-p", RS1, RS2), List.of(solid(RS1), solid(RS2)), false, false, List.of()),
                new DependentRow("an object with one owner left is kept, less the reference to the gone one",
                        podState("p", "u-p", RS1, RS2), List.of(dangling(RS1), solid(RS2)), false, false,
                        List.of(new Action.UpdateOwnerReferences(POD, "10", List.of(RS2)))),
                new DependentRow("an object already being deleted is left alone although its owner is gone",
                        podState("p", "u-p", true, List.of(), RS1), List.of(dangling(RS1)), false, false, List.of()),
                new DependentRow("an object without owners is left alone",
                        podState("p", "u-p"), List.of(), false, false, List.of()),
                new DependentRow("the dependent of an owner deleted in the foreground is deleted, in the background "
                        + "when it owns nothing", podState("p", "u-p", RS1), List.of(waiting(RS1)), false, false,
                        List.of(new Action.Delete(POD, "10", Action.BACKGROUND))),
                new DependentRow("the dependent of an owner deleted in the foreground is deleted in the foreground "
                        + "when it has dependents of its own", podState("p", "u-p", RS1), List.of(waiting(RS1)),
                        true, false, List.of(new Action.Delete(POD, "10", Action.FOREGROUND))),
                new DependentRow("a dependent of an owner deleted in the foreground that has another owner loses only "
                        + "the reference to the waiting owner", podState("p", "u-p", RS1, RS2),
                        List.of(waiting(RS1), solid(RS2)), false, false,
                        List.of(new Action.UpdateOwnerReferences(POD, "10", List.of(RS2)))),
                new DependentRow("a dependent whose own dependent also waits in the foreground unblocks its "
                        + "references before its foreground deletion, so a cycle cannot wait forever",
                        podState("p", "u-p", RS1), List.of(waiting(RS1)), true, true,
                        List.of(new Action.UpdateOwnerReferences(POD, "10", List.of(unblocked(RS1))),
                                new Action.Delete(POD, null, Action.FOREGROUND))),
                new DependentRow("garbage with the orphan finalizer is deleted with the Orphan policy",
                        podState("p", "u-p", false, List.of("orphan"), RS1), List.of(dangling(RS1)), false, false,
                        List.of(new Action.Delete(POD, "10", Action.ORPHAN))),
                new DependentRow("garbage with the foregroundDeletion finalizer is deleted with the Foreground policy",
                        podState("p", "u-p", false, List.of("foregroundDeletion"), RS1), List.of(dangling(RS1)),
                        false, false, List.of(new Action.Delete(POD, "10", Action.FOREGROUND))),
                new DependentRow("an owner of a kind the cluster does not serve cannot be verified and keeps the "
                        + "object", podState("p", "u-p", WIDGET, RS1),
                        List.of(new OwnerState(WIDGET, Presence.UNKNOWN_KIND), dangling(RS1)), false, false,
                        List.of(new Action.UpdateOwnerReferences(POD, "10", List.of(WIDGET)))),
                new DependentRow("an owner found in another namespace is reported and counts as absent",
                        podState("p", "u-p", RS1), List.of(new OwnerState(RS1, Presence.DANGLING, true)), false,
                        false, List.of(new Action.Warn(POD, "OwnerRefInvalidNamespace", "ownerRef [apps/v1/"
                                        + "ReplicaSet, namespace: default, name: rs1, uid: u-rs1] does not exist in "
                                        + "namespace \"default\""),
                                new Action.Delete(POD, "10", Action.BACKGROUND))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dependents")
    void aDependentIsPlannedFromItsOwners(DependentRow row) {
        assertThat(GarbageCollectionPlan.forDependent(row.item(), row.owners(), row.hasDependents(),
                row.aDependentDeletesDependents())).isEqualTo(row.expected());
    }

    @Test
    void aClusterScopedObjectNamingANamespacedOwnerIsReportedAndNeitherDeletedNorPatched() {
        ObjectRef role = new ObjectRef(CLUSTER_ROLES, null, "r", "u-r");
        ObjectState item = new ObjectState(role, "5", List.of(RS1, RS2), List.of(), false);

        List<Action> actions = GarbageCollectionPlan.forDependent(item, List.of(
                new OwnerState(RS1, Presence.NAMESPACED_OWNER_OF_CLUSTER_SCOPED_OBJECT), dangling(RS2)), false, false);

        assertThat(actions).containsExactly(new Action.Warn(role, "OwnerRefInvalidNamespace", "ownerRef [apps/v1/"
                + "ReplicaSet, namespace: , name: rs1, uid: u-rs1] does not exist in namespace \"\""));
    }

    record OwnerRow(String name, ObjectState owner, List<ObjectState> dependents, List<Action> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final ObjectRef OWNER = rsObjectRef("rs1", "u-rs1");

    static Stream<OwnerRow> foreground() {
        ObjectState owner = rsState(List.of("foregroundDeletion", "example.com/keep"));
        return Stream.of(
                new OwnerRow("an owner keeps its finalizer while a blocking dependent remains, and syncs it", owner,
                        List.of(podState("p", "u-p", RS1)), List.of(new Action.Sync("u-p"))),
                new OwnerRow("a blocking dependent already being deleted still blocks and is not synced again", owner,
                        List.of(podState("p", "u-p", true, List.of(), RS1)), List.of()),
                new OwnerRow("a blocking dependent itself deleting in the foreground still blocks", owner,
                        List.of(podState("p", "u-p", true, List.of("foregroundDeletion"), RS1)), List.of()),
                new OwnerRow("an owner without dependents loses its foregroundDeletion finalizer, and only that one",
                        owner, List.of(), List.of(new Action.RemoveFinalizer(OWNER, "2", "foregroundDeletion",
                                List.of("example.com/keep")))),
                new OwnerRow("dependents without blockOwnerDeletion do not block", owner,
                        List.of(podState("p", "u-p", RS1_NON_BLOCKING), podState("q", "u-q", RS1_NON_BLOCKING)),
                        List.of(new Action.RemoveFinalizer(OWNER, "2", "foregroundDeletion",
                                List.of("example.com/keep")))),
                new OwnerRow("one blocking dependent among non-blocking ones is enough to wait", owner,
                        List.of(podState("p", "u-p", RS1_NON_BLOCKING), podState("q", "u-q", RS1)),
                        List.of(new Action.Sync("u-q"))),
                new OwnerRow("an owner not being deleted is not planned as one",
                        new ObjectState(OWNER, "2", List.of(), List.of("foregroundDeletion"), false),
                        List.of(podState("p", "u-p", RS1)), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("foreground")
    void anOwnerDeletedInTheForegroundWaitsForItsBlockingDependents(OwnerRow row) {
        assertThat(GarbageCollectionPlan.forForegroundDeletion(row.owner(), row.dependents()))
                .isEqualTo(row.expected());
    }

    static Stream<OwnerRow> orphan() {
        ObjectState owner = rsState(List.of("orphan"));
        return Stream.of(
                new OwnerRow("the reference is removed from every dependent, then the orphan finalizer", owner,
                        List.of(podState("p", "u-p", RS1, RS2), podState("q", "u-q", RS1)),
                        List.of(new Action.UpdateOwnerReferences(podRef("p", "u-p"), "10", List.of(RS2)),
                                new Action.UpdateOwnerReferences(podRef("q", "u-q"), "10", List.of()),
                                new Action.RemoveFinalizer(OWNER, "2", "orphan", List.of()))),
                new OwnerRow("an owner whose dependents are already orphaned only loses the finalizer", owner,
                        List.of(), List.of(new Action.RemoveFinalizer(OWNER, "2", "orphan", List.of()))),
                new OwnerRow("a dependent that no longer references the owner is not patched", owner,
                        List.of(podState("p", "u-p", RS2)),
                        List.of(new Action.RemoveFinalizer(OWNER, "2", "orphan", List.of()))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("orphan")
    void anOwnerDeletedWithOrphanPolicyReleasesItsDependents(OwnerRow row) {
        assertThat(GarbageCollectionPlan.forOrphaning(row.owner(), row.dependents())).isEqualTo(row.expected());
    }

    private static ObjectState rsState(List<String> finalizers) {
        return new ObjectState(OWNER, "2", List.of(), finalizers, true);
    }

    private static OwnerState solid(OwnerReference ref) {
        return new OwnerState(ref, Presence.SOLID);
    }

    private static OwnerState dangling(OwnerReference ref) {
        return new OwnerState(ref, Presence.DANGLING);
    }

    private static OwnerState waiting(OwnerReference ref) {
        return new OwnerState(ref, Presence.WAITING_FOR_DEPENDENTS_DELETION);
    }

    private static OwnerReference unblocked(OwnerReference ref) {
        return new OwnerReferenceBuilder(ref).withBlockOwnerDeletion(false).build();
    }
}
