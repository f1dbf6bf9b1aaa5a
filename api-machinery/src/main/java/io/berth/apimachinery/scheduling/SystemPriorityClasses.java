package io.berth.apimachinery.scheduling;

import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;

import java.util.List;
import java.util.Optional;

/**
 * The priority classes every cluster has and the bounds around them, as Kubernetes defines them
 * ({@code pkg/apis/scheduling/types.go}, {@code pkg/apis/scheduling/v1/helpers.go}). The api-service creates the
 * classes at start, validation reserves the {@code system-} prefix for them, and they cannot be deleted.
 * Immutable constants; {@link #all()} returns fresh copies. Thread safe.
 */
public final class SystemPriorityClasses {

    /** The highest value a user-defined class may have. */
    public static final int HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
    /** The value of {@code system-cluster-critical}; {@code system-node-critical} is 1000 above it. */
    public static final int SYSTEM_CRITICAL_PRIORITY = 2_000_000_000;
    /** A pod's priority when it names no class and no class is the global default. */
    public static final int DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS_EXISTS = 0;
    /** Names with this prefix are reserved for the classes here. */
    public static final String PREFIX = "system-";
    public static final String SYSTEM_CLUSTER_CRITICAL = "system-cluster-critical";
    public static final String SYSTEM_NODE_CRITICAL = "system-node-critical";

    private record Definition(String name, int value, String description) {
        PriorityClass build() {
            return new PriorityClassBuilder().withNewMetadata().withName(name).endMetadata()
                    .withValue(value).withDescription(description).build();
        }
    }

    private static final List<Definition> CLASSES = List.of(
            new Definition(SYSTEM_NODE_CRITICAL, SYSTEM_CRITICAL_PRIORITY + 1000,
                    "Used for system critical pods that must not be moved from their current node."),
            new Definition(SYSTEM_CLUSTER_CRITICAL, SYSTEM_CRITICAL_PRIORITY,
                    "Used for system critical pods that must run in the cluster, but can be moved to another node if"
                            + " necessary."));

    private SystemPriorityClasses() {
    }

    /** Fresh copies of the system classes, as Kubernetes lists them (node-critical first). */
    public static List<PriorityClass> all() {
        return CLASSES.stream().map(Definition::build).toList();
    }

    /** The system class of this name, a fresh copy; empty for any other name. */
    public static Optional<PriorityClass> find(String name) {
        return CLASSES.stream().filter(d -> d.name().equals(name)).findFirst().map(Definition::build);
    }

    /** True for the names of the system classes. */
    public static boolean isSystem(String name) {
        return CLASSES.stream().anyMatch(d -> d.name().equals(name));
    }
}
