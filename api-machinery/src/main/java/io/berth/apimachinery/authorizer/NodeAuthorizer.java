package io.berth.apimachinery.authorizer;

import io.berth.apimachinery.rbac.Attributes;
import io.berth.apimachinery.rbac.AuthorizationResult;
import io.berth.apimachinery.rbac.BootstrapPolicy;
import io.berth.apimachinery.rbac.Rules;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apimachinery.selector.FieldSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * Kubernetes' Node authorizer, for users {@code system:node:<name>} in {@code system:nodes}: a node reaches only
 * what its own pods need, found through the graph node → pods bound to it → the Secrets, ConfigMaps,
 * ServiceAccounts and PersistentVolumeClaims they reference.
 *
 * <p>Berth is stricter than Kubernetes where Kubernetes leans on NodeRestriction alone: a node may read, list and
 * watch only its own Node and Lease and only the pods bound to it (list and watch must carry the matching field
 * selector, {@code metadata.name=<node>} or {@code spec.nodeName=<node>}), so a compromised node learns nothing
 * about its neighbours. For the resources it governs the answer is final (allow or deny); anything else is allowed
 * by the static rules of the {@code system:node} ClusterRole, else left to RBAC. Field-level checks (only the
 * status of its pods, no restricted labels) are NodeRestriction admission in the api-service.
 *
 * <p>Thread safe: reads the graph, keeps no state.
 */
public final class NodeAuthorizer {

    public static final String NODES_GROUP = "system:nodes";
    public static final String NODE_USER_PREFIX = "system:node:";
    public static final String LEASE_NAMESPACE = "kube-node-lease";

    private static final Set<String> NAMED_READS = Set.of("get");
    private static final Set<String> COLLECTION_READS = Set.of("list", "watch");

    private final NodeGraph graph;
    private final ResourceRegistry registry;
    private final List<PolicyRule> staticRules;

    public NodeAuthorizer(NodeGraph graph, ResourceRegistry registry) {
        this.graph = graph;
        this.registry = registry;
        this.staticRules = BootstrapPolicy.clusterRoles().stream()
                .filter(r -> r.getMetadata().getName().equals("system:node"))
                .findFirst().map(ClusterRole::getRules).orElse(List.of());
    }

    /** The node a user is, or empty when the user is not a node. */
    public static Optional<String> nodeName(io.berth.apimachinery.auth.UserInfo user) {
        if (!user.inGroup(NODES_GROUP) || !user.name().startsWith(NODE_USER_PREFIX)) {
            return Optional.empty();
        }
        String node = user.name().substring(NODE_USER_PREFIX.length());
        return node.isEmpty() ? Optional.empty() : Optional.of(node);
    }

    /**
     * Decides a request of a node.
     *
     * @param fieldSelector the request's {@code fieldSelector} query parameter (list and watch), or null
     */
    public AuthorizationResult authorize(Attributes a, String fieldSelector) {
        Optional<String> found = nodeName(a.user());
        if (found.isEmpty()) {
            return a.user().inGroup(NODES_GROUP)
                    ? AuthorizationResult.noOpinion("unknown node for user \"" + a.user().name() + "\"")
                    : AuthorizationResult.noOpinion("");
        }
        String node = found.get();
        if (!a.resourceRequest()) {
            return staticRules(a);
        }
        String group = a.apiGroup();
        String resource = a.resource();
        if (group.isEmpty()) {
            switch (resource) {
                case "nodes":
                    return nodes(a, node, fieldSelector);
                case "pods":
                    return pods(a, node, fieldSelector);
                case "secrets":
                    return referenced(a, node, fieldSelector, PodReferences::referencesSecret);
                case "configmaps":
                    return referenced(a, node, fieldSelector, PodReferences::referencesConfigMap);
                case "persistentvolumeclaims":
                    return referenced(a, node, fieldSelector, PodReferences::referencesClaim);
                case "serviceaccounts":
                    return serviceAccounts(a, node, fieldSelector);
                default:
                    break;
            }
        }
        if (group.equals("coordination.k8s.io") && resource.equals("leases")) {
            return lease(a, node, fieldSelector);
        }
        return staticRules(a);
    }

    private AuthorizationResult staticRules(Attributes a) {
        for (PolicyRule rule : staticRules) {
            if (Rules.allows(rule, a)) {
                return AuthorizationResult.allow("");
            }
        }
        return AuthorizationResult.noOpinion("");
    }

    private AuthorizationResult nodes(Attributes a, String node, String fieldSelector) {
        String sub = a.subresource();
        String verb = a.verb();
        if (sub.isEmpty() && COLLECTION_READS.contains(verb)) {
            return selects(fieldSelector, "nodes", "metadata.name", node)
                    ? AuthorizationResult.allow("")
                    : deny("node '" + node + "' can only list or watch its own Node, with fieldSelector "
                    + "metadata.name=" + node);
        }
        if (sub.isEmpty() && verb.equals("create") && a.name().isEmpty()) {
            // registering: the name is in the body, and NodeRestriction admission checks it is the node's own
            return AuthorizationResult.allow("");
        }
        boolean own = a.name().equals(node);
        boolean allowedVerb = switch (sub) {
            case "" -> Set.of("get", "create", "update", "patch", "delete").contains(verb);
            case "status" -> Set.of("get", "update", "patch").contains(verb);
            case "token" -> verb.equals("create");
            default -> false;
        };
        if (own && allowedVerb) {
            return AuthorizationResult.allow("");
        }
        return deny("node '" + node + "' cannot " + verb + " " + describe(a) + ": only its own Node object");
    }

    private AuthorizationResult lease(Attributes a, String node, String fieldSelector) {
        if (!a.namespace().equals(LEASE_NAMESPACE)) {
            return deny("node '" + node + "' may use Leases only in " + LEASE_NAMESPACE);
        }
        if (!a.subresource().isEmpty()) {
            return deny("node '" + node + "' cannot " + a.verb() + " " + describe(a));
        }
        if (COLLECTION_READS.contains(a.verb())) {
            return selects(fieldSelector, "leases", "metadata.name", node)
                    ? AuthorizationResult.allow("")
                    : deny("node '" + node + "' can only list or watch its own Lease, with fieldSelector "
                    + "metadata.name=" + node);
        }
        if (a.name().equals(node) && Set.of("get", "create", "update", "patch", "delete").contains(a.verb())) {
            return AuthorizationResult.allow("");
        }
        if (a.verb().equals("create") && a.name().isEmpty()) {
            // the name is in the body; NodeRestriction admission checks that it is the node's own
            return AuthorizationResult.allow("");
        }
        return deny("node '" + node + "' cannot " + a.verb() + " " + describe(a) + ": only its own Lease");
    }

    private AuthorizationResult pods(Attributes a, String node, String fieldSelector) {
        String sub = a.subresource();
        String verb = a.verb();
        if (sub.isEmpty() && COLLECTION_READS.contains(verb)) {
            return selects(fieldSelector, "pods", "spec.nodeName", node)
                    ? AuthorizationResult.allow("")
                    : deny("node '" + node + "' can only list or watch pods bound to it, with fieldSelector "
                    + "spec.nodeName=" + node);
        }
        boolean allowedVerb = switch (sub) {
            case "" -> Set.of("get", "delete").contains(verb);
            case "status" -> Set.of("get", "update", "patch").contains(verb);
            case "eviction" -> verb.equals("create");
            default -> false;
        };
        if (allowedVerb && boundTo(a.namespace(), a.name(), node)) {
            return AuthorizationResult.allow("");
        }
        return deny("node '" + node + "' cannot " + verb + " " + describe(a)
                + ": no relationship found between node '" + node + "' and this object");
    }

    private AuthorizationResult referenced(Attributes a, String node, String fieldSelector,
                                           BiPredicate<Pod, String> references) {
        if (!a.subresource().isEmpty()) {
            return deny("node '" + node + "' cannot " + a.verb() + " " + describe(a));
        }
        String name = a.name();
        if (COLLECTION_READS.contains(a.verb())) {
            // the kubelet watches one object at a time: allowed for a single named object the node may get
            name = singleName(fieldSelector, a.resource());
            if (name == null) {
                return deny("node '" + node + "' can only list or watch individual " + a.resource()
                        + " (fieldSelector metadata.name=<name>)");
            }
        } else if (!NAMED_READS.contains(a.verb())) {
            return deny("node '" + node + "' cannot " + a.verb() + " " + describe(a));
        }
        for (Pod pod : graph.podsOnNode(node)) {
            if (a.namespace().equals(pod.getMetadata().getNamespace()) && references.test(pod, name)) {
                return AuthorizationResult.allow("");
            }
        }
        return deny("no relationship found between node '" + node + "' and this object");
    }

    private AuthorizationResult serviceAccounts(Attributes a, String node, String fieldSelector) {
        if (a.subresource().equals("token")) {
            if (!a.verb().equals("create")) {
                return deny("node '" + node + "' cannot " + a.verb() + " " + describe(a));
            }
            for (Pod pod : graph.podsOnNode(node)) {
                if (a.namespace().equals(pod.getMetadata().getNamespace())
                        && PodReferences.referencesServiceAccount(pod, a.name())) {
                    return AuthorizationResult.allow("");
                }
            }
            return deny("no relationship found between node '" + node + "' and this object");
        }
        return referenced(a, node, fieldSelector, PodReferences::referencesServiceAccount);
    }

    private boolean boundTo(String namespace, String name, String node) {
        if (name.isEmpty()) {
            return false;
        }
        Pod pod = graph.pod(namespace, name);
        return pod != null && pod.getSpec() != null && node.equals(pod.getSpec().getNodeName());
    }

    /** Whether the field selector requires {@code field=value} (an equality term; terms are ANDed). */
    private boolean selects(String fieldSelector, String resource, String field, String value) {
        return requiredValue(fieldSelector, resource, field).filter(value::equals).isPresent();
    }

    /** The one object a list or watch selects by {@code metadata.name}, or null. */
    private String singleName(String fieldSelector, String resource) {
        return requiredValue(fieldSelector, resource, "metadata.name").orElse(null);
    }

    /** The value an equality term of the selector requires for {@code field}; empty when none or unparseable. */
    private Optional<String> requiredValue(String fieldSelector, String resource, String field) {
        Optional<ResourceType> type = registry.find(resource.equals("leases") ? "coordination.k8s.io" : "", "v1",
                resource);
        if (fieldSelector == null || fieldSelector.isEmpty() || type.isEmpty()) {
            return Optional.empty();
        }
        try {
            return FieldSelector.parse(fieldSelector, type.get()).requiredValue(field);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String describe(Attributes a) {
        String what = a.subresource().isEmpty() ? a.resource() : a.resource() + "/" + a.subresource();
        return a.name().isEmpty() ? what : what + " '" + a.name() + "'";
    }

    private static AuthorizationResult deny(String reason) {
        return AuthorizationResult.deny(reason);
    }
}
