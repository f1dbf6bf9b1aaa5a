package io.berth.apimachinery.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;

import java.util.List;
import java.util.Set;

/**
 * One served resource of the API: a group, version and plural name bound to a fabric8 model class.
 *
 * <p>Immutable and thread safe. {@code group} is {@code ""} for the core (legacy) group.
 *
 * @param stored      false for resources that are answered but never written (reviews)
 * @param hasSpec     true when the object has a {@code spec}; such objects carry {@code metadata.generation}
 */
public record ResourceType(
        String group,
        String version,
        String resource,
        String singular,
        String kind,
        boolean namespaced,
        Class<? extends HasMetadata> type,
        Class<? extends KubernetesResourceList<?>> listType,
        List<String> shortNames,
        List<String> categories,
        Set<String> verbs,
        Set<String> subresources,
        boolean stored,
        boolean hasSpec) {

    public static final Set<String> STANDARD_VERBS =
            Set.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    public ResourceType {
        shortNames = List.copyOf(shortNames);
        categories = List.copyOf(categories);
        verbs = Set.copyOf(verbs);
        subresources = Set.copyOf(subresources);
    }

    /** {@code v1} for the core group, {@code apps/v1} otherwise: the value of an object's {@code apiVersion}. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** The group name used in storage keys: {@code core} for the legacy group. */
    public String storageGroup() {
        return group.isEmpty() ? "core" : group;
    }

    public String listKind() {
        return kind + "List";
    }

    public boolean hasStatus() {
        return subresources.contains("status");
    }

    public boolean hasSubresource(String name) {
        return subresources.contains(name);
    }

    /** Resource with its group, {@code pods} or {@code deployments.apps}, as Kubernetes names it in messages. */
    public String qualifiedResource() {
        return group.isEmpty() ? resource : resource + "." + group;
    }

    public ResourceType withCategories(String... newCategories) {
        return new ResourceType(group, version, resource, singular, kind, namespaced, type, listType, shortNames,
                List.of(newCategories), verbs, subresources, stored, hasSpec);
    }

    /** {@code apps/v1, Resource=deployments}-style key for logs and maps. */
    @Override
    public String toString() {
        return apiVersion() + "/" + resource;
    }
}
