package io.berth.apimachinery.validation;

import io.berth.apimachinery.registry.ResourceType;

import java.util.List;
import java.util.Map;

/**
 * The rule an object's {@code metadata.name} must follow, per resource, as Kubernetes v1.32's validation picks it.
 * Each rule also validates a {@code generateName} prefix: a trailing '-' is allowed there (Kubernetes masks it).
 *
 * <p>Immutable and thread safe.
 */
public enum NameRule {
    /** RFC 1123 subdomain: pods, nodes, configmaps, secrets, deployments, ... (the default). */
    DNS1123_SUBDOMAIN,
    /** RFC 1123 label: namespaces. */
    DNS1123_LABEL,
    /** RFC 1035 label: services. */
    DNS1035_LABEL,
    /** One URL path segment: roles, bindings, events. */
    PATH_SEGMENT;

    private static final Map<String, NameRule> BY_RESOURCE = Map.of(
            "/namespaces", DNS1123_LABEL,
            "/services", DNS1035_LABEL,
            "/events", PATH_SEGMENT,
            "rbac.authorization.k8s.io/roles", PATH_SEGMENT,
            "rbac.authorization.k8s.io/rolebindings", PATH_SEGMENT,
            "rbac.authorization.k8s.io/clusterroles", PATH_SEGMENT,
            "rbac.authorization.k8s.io/clusterrolebindings", PATH_SEGMENT);

    /** The rule for a resource; resources Kubernetes gives no stricter rule to use {@link #DNS1123_SUBDOMAIN}. */
    public static NameRule forResource(ResourceType type) {
        return BY_RESOURCE.getOrDefault(type.group() + "/" + type.resource(), DNS1123_SUBDOMAIN);
    }

    /**
     * Kubernetes' messages for {@code name}, empty when valid.
     *
     * @param prefix true to validate a {@code generateName} prefix rather than a full name
     */
    public List<String> validate(String name, boolean prefix) {
        return switch (this) {
            case DNS1123_SUBDOMAIN -> NameValidation.isDns1123Subdomain(prefix ? maskTrailingDash(name) : name);
            case DNS1123_LABEL -> NameValidation.isDns1123Label(prefix ? maskTrailingDash(name) : name);
            case DNS1035_LABEL -> NameValidation.isDns1035Label(prefix ? maskTrailingDash(name) : name);
            case PATH_SEGMENT -> prefix
                    ? NameValidation.isValidPathSegmentPrefix(name) : NameValidation.isValidPathSegmentName(name);
        };
    }

    /** {@code generateName: "web-"} is valid: the suffix the server appends makes the name end well. */
    private static String maskTrailingDash(String name) {
        if (name.length() > 1 && name.endsWith("-")) {
            return name.substring(0, name.length() - 1) + "a";
        }
        return name;
    }
}
