package io.berth.controller.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Workqueue keys as client-go's {@code MetaNamespaceKeyFunc} makes them: {@code namespace/name}, or {@code name}. */
public final class Keys {

    private Keys() {
    }

    public static String of(HasMetadata obj) {
        return of(obj.getMetadata().getNamespace(), obj.getMetadata().getName());
    }

    public static String of(String namespace, String name) {
        return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
    }

    /** The namespace of a key, or null for a cluster-scoped one. */
    public static String namespace(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? null : key.substring(0, slash);
    }

    public static String name(String key) {
        return key.substring(key.indexOf('/') + 1);
    }
}
