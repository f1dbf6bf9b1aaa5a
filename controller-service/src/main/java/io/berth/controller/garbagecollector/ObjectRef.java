package io.berth.controller.garbagecollector;

import io.berth.apimachinery.registry.ResourceType;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Which object an action is about: its resource, namespace ({@code null} for cluster-scoped kinds), name and uid (the
 * graph's key, and the precondition of every write). Immutable.
 */
record ObjectRef(ResourceType type, String namespace, String name, String uid) {

    static ObjectRef of(ResourceType type, HasMetadata obj) {
        String namespace = obj.getMetadata().getNamespace();
        return new ObjectRef(type, namespace == null || namespace.isEmpty() ? null : namespace,
                obj.getMetadata().getName(), obj.getMetadata().getUid());
    }

    /** As Kubernetes' garbage collector prints an object reference in logs and events. */
    @Override
    public String toString() {
        return "[" + type.apiVersion() + "/" + type.kind() + ", namespace: " + (namespace == null ? "" : namespace)
                + ", name: " + name + ", uid: " + uid + "]";
    }
}
