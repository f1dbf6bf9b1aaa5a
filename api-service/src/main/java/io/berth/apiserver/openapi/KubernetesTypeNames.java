package io.berth.apiserver.openapi;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kubernetes' names for fabric8 model classes: the OpenAPI definition name Kubernetes publishes
 * ({@code io.k8s.api.core.v1.Pod}, {@code io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta}) and the matching class
 * of the official Java model ({@code V1Pod}, {@code CoreV1Event} where two groups share a kind name).
 *
 * <p>The Go package is derived from the fabric8 package: {@code io.fabric8.kubernetes.api.model.<dir>[.<version>]}
 * is {@code k8s.io/api/<dir>/<version>} (version {@code v1} when fabric8 leaves it out, as for {@code apps} and
 * {@code rbac}); fabric8's root package holds both core/v1 and meta/v1, told apart by the meta/v1 type list.
 * Thread safe.
 */
final class KubernetesTypeNames {

    static final String META_V1 = "io.k8s.apimachinery.pkg.apis.meta.v1.";
    static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
    static final String INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
    static final String TIME = META_V1 + "Time";
    static final String MICRO_TIME = META_V1 + "MicroTime";
    static final String PATCH = META_V1 + "Patch";

    private static final String FABRIC8_MODEL = "io.fabric8.kubernetes.api.model";

    /** The meta/v1 types fabric8 keeps in its root package next to core/v1. */
    private static final Set<String> META_TYPES = Set.of(
            "APIGroup", "APIGroupList", "APIResource", "APIResourceList", "APIVersions", "Condition",
            "CreateOptions", "DeleteOptions", "FieldsV1", "GetOptions", "GroupKind", "GroupResource",
            "GroupVersionForDiscovery", "GroupVersionKind", "GroupVersionResource", "LabelSelector",
            "LabelSelectorRequirement", "ListMeta", "ListOptions", "ManagedFieldsEntry", "MicroTime",
            "ObjectMeta", "OwnerReference", "Patch", "PatchOptions", "Preconditions", "RootPaths",
            "ServerAddressByClientCIDR", "Status", "StatusCause", "StatusDetails", "Time", "TypeMeta",
            "UpdateOptions", "WatchEvent", "Duration");

    /** A fabric8 class in Kubernetes' terms. {@code officialClass} is null when the Java model has no match. */
    record TypeName(String definition, String officialClass) {
    }

    private final ModelDescriptions model;
    private final Map<Class<?>, TypeName> cache = new ConcurrentHashMap<>();

    KubernetesTypeNames(ModelDescriptions model) {
        this.model = model;
    }

    TypeName of(Class<?> type) {
        return cache.computeIfAbsent(type, this::resolve);
    }

    String definition(Class<?> type) {
        return of(type).definition();
    }

    private TypeName resolve(Class<?> type) {
        String simple = type.getSimpleName();
        String pkg = type.getPackageName();
        if (!pkg.startsWith(FABRIC8_MODEL)) {
            return new TypeName(type.getName(), null);
        }
        String rest = pkg.substring(FABRIC8_MODEL.length());
        if (rest.isEmpty()) {
            return META_TYPES.contains(simple)
                    ? new TypeName(META_V1 + simple, official(List.of("V1" + simple)))
                    : new TypeName("io.k8s.api.core.v1." + simple,
                    official(List.of("CoreV1" + simple, "V1" + simple)));
        }
        String[] parts = rest.substring(1).split("\\.");
        if (parts[0].equals("version")) {
            return new TypeName("io.k8s.apimachinery.pkg.version." + simple, official(List.of("Version" + simple)));
        }
        if (parts[0].equals("runtime")) {
            return new TypeName("io.k8s.apimachinery.pkg.runtime." + simple, null);
        }
        String dir = parts[0];
        String version = parts.length > 1 && parts[parts.length - 1].matches("v\\d+((alpha|beta)\\d+)?")
                ? parts[parts.length - 1] : "v1";
        String v = capitalize(version);
        return new TypeName("io.k8s.api." + dir + "." + version + "." + simple,
                official(List.of(capitalize(dir) + v + simple, v + simple)));
    }

    /** The first candidate the Java model has: group-prefixed names first, they exist only on collisions. */
    private String official(List<String> candidates) {
        for (String candidate : candidates) {
            if (model.exists(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * The group as Kubernetes spells it in operation ids: {@code ""} is {@code Core},
     * {@code rbac.authorization.k8s.io} is {@code RbacAuthorization}.
     */
    static String groupCamel(String group) {
        if (group.isEmpty()) {
            return "Core";
        }
        String trimmed = group.endsWith(".k8s.io") ? group.substring(0, group.length() - ".k8s.io".length()) : group;
        StringBuilder b = new StringBuilder();
        for (String part : trimmed.split("[.-]")) {
            b.append(capitalize(part));
        }
        return b.toString();
    }

    /** The tag Kubernetes puts on operations: {@code core_v1}, {@code rbacAuthorization_v1}. */
    static String tag(String group, String version) {
        String camel = groupCamel(group);
        return camel.substring(0, 1).toLowerCase(Locale.ROOT) + camel.substring(1) + "_" + version;
    }

    static String capitalize(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }
}
