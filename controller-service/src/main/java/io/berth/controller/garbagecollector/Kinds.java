package io.berth.controller.garbagecollector;

import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.fabric8.kubernetes.api.model.OwnerReference;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kinds the garbage collector watches, and the resource an owner reference's {@code apiVersion} and {@code kind}
 * name (Kubernetes' REST mapper). Immutable and thread safe.
 */
final class Kinds {

    private final List<ResourceType> monitored;
    private final Map<String, ResourceType> byGroupKind = new HashMap<>();

    Kinds(ResourceRegistry registry) {
        this.monitored = registry.all().stream().filter(Kinds::monitor).toList();
        for (ResourceType t : registry.all()) {
            byGroupKind.putIfAbsent(t.group() + "/" + t.kind(), t);
        }
    }

    /**
     * Every kind that is stored and can be listed and watched, as Kubernetes' graph builder monitors every deletable
     * resource, except Events (Kubernetes' {@code ignoredResources}): the most numerous kind by far, and nothing owns
     * or is owned by an Event in practice.
     */
    private static boolean monitor(ResourceType t) {
        return t.stored() && t.verbs().contains("list") && t.verbs().contains("watch") && t.verbs().contains("delete")
                && !(t.group().isEmpty() && t.kind().equals("Event"));
    }

    List<ResourceType> monitored() {
        return monitored;
    }

    /**
     * The resource of a reference's kind in its group; the version is not checked, so a reference written with an
     * older version of a kind still resolves to the one version served.
     */
    Optional<ResourceType> of(OwnerReference reference) {
        return Optional.ofNullable(byGroupKind.get(group(reference) + "/" + reference.getKind()));
    }

    /** Whether a reference names an object of {@code type} at all (its group and kind). */
    static boolean sameKind(ResourceType type, OwnerReference reference) {
        return type.group().equals(group(reference)) && type.kind().equals(reference.getKind());
    }

    private static String group(OwnerReference reference) {
        String apiVersion = reference.getApiVersion() == null ? "" : reference.getApiVersion();
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    /** Where a reference points: the key a verified absence is remembered under. */
    static String coordinates(ResourceType type, String namespace, String name) {
        return type.group() + "/" + type.kind() + "/" + (namespace == null ? "" : namespace) + "/" + name;
    }
}
