package io.berth.apimachinery.storage;

import io.berth.apimachinery.registry.ResourceType;

/**
 * The etcd key layout of ARCHITECTURE.md: {@code {prefix}/{group or core}/{resource}/{namespace}/{name}} for namespaced
 * objects and {@code {prefix}/{group or core}/{resource}/{name}} for cluster-scoped ones. Immutable, thread safe.
 */
public final class EtcdKeys {

    private final String prefix;

    public EtcdKeys(String prefix) {
        String p = prefix == null || prefix.isBlank() ? "/registry" : prefix.trim();
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        this.prefix = p.startsWith("/") ? p : "/" + p;
    }

    public String prefix() {
        return prefix;
    }

    /** The key of one object; {@code namespace} is ignored for cluster-scoped resources. */
    public String key(ResourceType type, String namespace, String name) {
        return type.namespaced()
                ? typePrefix(type) + namespace + "/" + name
                : typePrefix(type) + name;
    }

    /** The prefix under which every object of a resource lives, ending in {@code /}. */
    public String typePrefix(ResourceType type) {
        return prefix + "/" + type.storageGroup() + "/" + type.resource() + "/";
    }

    /**
     * The prefix of a list: every object of the resource, or those of one namespace when {@code namespace} is non-empty
     * and the resource is namespaced.
     */
    public String collectionPrefix(ResourceType type, String namespace) {
        if (type.namespaced() && namespace != null && !namespace.isEmpty()) {
            return typePrefix(type) + namespace + "/";
        }
        return typePrefix(type);
    }

    /** A key of the housekeeping space, outside every resource's range. */
    public String internalKey(String name) {
        return prefix + "/" + name;
    }
}
