package io.berth.controller.garbagecollector;

import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;

import java.util.List;

/** Objects and references for the garbage collector's tests. */
final class Fixtures {

    static final ResourceType PODS = type(Pod.class);
    static final ResourceType REPLICA_SETS = type(ReplicaSet.class);
    static final ResourceType CLUSTER_ROLES = type(ClusterRole.class);
    static final String DELETED_AT = "2026-01-01T00:00:00Z";

    private Fixtures() {
    }

    static ResourceType type(Class<? extends HasMetadata> cls) {
        return ResourceRegistry.builtIn().forClass(cls).orElseThrow();
    }

    /** A reference to the ReplicaSet {@code name}, as the ReplicaSet controller writes it (blocking, controller). */
    static OwnerReference rsRef(String name, String uid) {
        return ref("apps/v1", "ReplicaSet", name, uid, true);
    }

    static OwnerReference ref(String apiVersion, String kind, String name, String uid, boolean block) {
        return new OwnerReferenceBuilder().withApiVersion(apiVersion).withKind(kind).withName(name).withUid(uid)
                .withBlockOwnerDeletion(block).withController(block).build();
    }

    static ReplicaSet rs(String name, String uid) {
        return new ReplicaSetBuilder().withNewMetadata().withNamespace("default").withName(name).withUid(uid)
                .withResourceVersion("1").endMetadata().build();
    }

    /** A ReplicaSet being deleted with these finalizers. */
    static ReplicaSet deletingRs(String name, String uid, String... finalizers) {
        return new ReplicaSetBuilder(rs(name, uid)).editMetadata().withDeletionTimestamp(DELETED_AT)
                .withFinalizers(finalizers).withResourceVersion("2").endMetadata().build();
    }

    static Pod pod(String name, String uid, OwnerReference... owners) {
        return new PodBuilder().withNewMetadata().withNamespace("default").withName(name).withUid(uid)
                .withResourceVersion("10").withOwnerReferences(owners).endMetadata().build();
    }

    static Pod deletingPod(String name, String uid, OwnerReference... owners) {
        return new PodBuilder(pod(name, uid, owners)).editMetadata().withDeletionTimestamp(DELETED_AT)
                .withResourceVersion("11").endMetadata().build();
    }

    static ClusterRole clusterRole(String name, String uid, OwnerReference... owners) {
        return new ClusterRoleBuilder().withNewMetadata().withName(name).withUid(uid).withResourceVersion("5")
                .withOwnerReferences(owners).endMetadata().build();
    }

    static ObjectRef podRef(String name, String uid) {
        return new ObjectRef(PODS, "default", name, uid);
    }

    static ObjectRef rsObjectRef(String name, String uid) {
        return new ObjectRef(REPLICA_SETS, "default", name, uid);
    }

    /** A pod's state as the plan sees it. */
    static ObjectState podState(String name, String uid, boolean beingDeleted, List<String> finalizers,
                                OwnerReference... owners) {
        return new ObjectState(podRef(name, uid), "10", List.of(owners), finalizers, beingDeleted);
    }

    static ObjectState podState(String name, String uid, OwnerReference... owners) {
        return podState(name, uid, false, List.of(), owners);
    }
}
