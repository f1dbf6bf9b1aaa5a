package io.berth.apiserver.authz;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.authorizer.ClusterAuthorizer;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.rbac.Attributes;
import io.berth.apimachinery.rbac.Rules;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apiserver.auth.Requester;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Set;

/**
 * RBAC escalation prevention, as Kubernetes' policy-based role and binding storage: nobody grants permissions they
 * do not hold.
 * <ul>
 *   <li>A Role or ClusterRole may be written when the writer's own rules (in the role's namespace; cluster-wide for a
 *       ClusterRole) cover every rule in it, or when the writer may {@code escalate} roles (or clusterroles).
 *       An {@code aggregationRule} (set, changed or removed) gathers arbitrary rules, so it needs full authority:
 *       {@code *} on every resource and non-resource URL.</li>
 *   <li>A RoleBinding or ClusterRoleBinding may be written when the writer may {@code bind} the referenced role
 *       (namespace of the binding; "" for a ClusterRoleBinding), or holds every rule of it, aggregated rules included.
 *       A binding to a role that does not exist is 404, as in Kubernetes.</li>
 *   <li>Members of {@code system:masters} and the gateway's own connections are not checked; nor are updates that
 *       only change ownerReferences or finalizers (the garbage collector's fields).</li>
 * </ul>
 * Refusals are 403 Forbidden with Kubernetes' wording. Evaluated over the replica's caches through
 * {@link Authorization}. Stateless and thread safe.
 */
public final class Escalation {

    static final String GROUP = CacheRbacObjects.GROUP;
    private static final Set<String> RESOURCES = Set.of("roles", "clusterroles", "rolebindings", "clusterrolebindings");

    /** Kubernetes' {@code fullAuthority}: what setting an aggregationRule requires. */
    static final List<PolicyRule> FULL_AUTHORITY = List.of(
            new PolicyRuleBuilder().withApiGroups("*").withResources("*").withVerbs("*").build(),
            new PolicyRuleBuilder().withNonResourceURLs("*").withVerbs("*").build());

    private final Authorization authz;
    private final ResourceType roles;
    private final ResourceType clusterRoles;

    public Escalation(Authorization authz, ResourceRegistry registry) {
        this.authz = authz;
        this.roles = CacheRbacObjects.type(registry, "roles");
        this.clusterRoles = CacheRbacObjects.type(registry, "clusterroles");
    }

    /** Whether writes of this resource are checked at all: the four RBAC kinds. */
    public static boolean governs(ResourceType type) {
        return GROUP.equals(type.group()) && RESOURCES.contains(type.resource());
    }

    /** Whether this requester is trusted to escalate: {@code system:masters}, or the gateway itself. */
    public static boolean trusted(Requester who) {
        return who.internal() || who.user().inGroup(ClusterAuthorizer.MASTERS);
    }

    /**
     * Checks a create ({@code old == null}) or update of an RBAC object; does nothing for other kinds.
     *
     * @param requestName the name on the URL: "" on create, as Kubernetes asks the {@code escalate} question
     * @param obj         the object as it would be stored, after validation
     * @param old         the stored object on update, else null
     * @throws io.berth.apimachinery.errors.ApiException 403 when it would grant what the writer does not hold, 404
     *         for a binding to a missing role
     */
    public void check(Requester who, ResourceType type, String requestName, HasMetadata obj, HasMetadata old) {
        if (!governs(type) || trusted(who)) {
            return;
        }
        if (old != null && onlyGarbageCollectorFields(obj, old)) {
            return;
        }
        UserInfo user = who.user();
        String namespace = obj.getMetadata().getNamespace() == null ? "" : obj.getMetadata().getNamespace();
        String name = obj.getMetadata().getName();
        switch (type.resource()) {
            case "roles" -> {
                if (!allowed(user, "escalate", GROUP, "roles", namespace, requestName)) {
                    confirmHeld(user, type, name, namespace, ((Role) obj).getRules());
                }
            }
            case "clusterroles" -> {
                if (!allowed(user, "escalate", GROUP, "clusterroles", "", requestName)) {
                    ClusterRole role = (ClusterRole) obj;
                    confirmHeld(user, type, name, "", role.getRules());
                    if ((aggregates(role) || aggregates((ClusterRole) old))
                            && !Rules.uncovered(authz.resolver().rulesFor(user, ""), FULL_AUTHORITY).isEmpty()) {
                        throw StatusErrors.forbidden(type, name,
                                "must have cluster-admin privileges to use the aggregationRule");
                    }
                }
            }
            case "rolebindings" -> confirmBindable(user, type, name, namespace, ((RoleBinding) obj).getRoleRef());
            case "clusterrolebindings" -> confirmBindable(user, type, name, "",
                    ((ClusterRoleBinding) obj).getRoleRef());
            default -> {
            }
        }
    }

    private void confirmHeld(UserInfo user, ResourceType type, String name, String namespace, List<PolicyRule> rules) {
        List<PolicyRule> missing = Rules.uncovered(authz.resolver().rulesFor(user, namespace),
                rules == null ? List.of() : rules);
        if (!missing.isEmpty()) {
            throw StatusErrors.forbidden(type, name, NotHeld.message(user, missing));
        }
    }

    private void confirmBindable(UserInfo user, ResourceType type, String name, String namespace, RoleRef ref) {
        String kind = ref == null ? "" : String.valueOf(ref.getKind());
        String resource = switch (kind) {
            case "Role" -> "roles";
            case "ClusterRole" -> "clusterroles";
            default -> null;
        };
        if (resource == null) {
            // validation refuses such a roleRef before this check runs
            throw StatusErrors.forbidden(type, name, "unsupported role reference kind: \"" + kind + "\"");
        }
        if (allowed(user, "bind", ref.getApiGroup(), resource, namespace, ref.getName())) {
            return;
        }
        boolean exists = resource.equals("roles")
                ? authz.objects().role(namespace, ref.getName()) != null
                : authz.objects().clusterRole(ref.getName()) != null;
        if (!exists) {
            throw StatusErrors.notFound(resource.equals("roles") ? roles : clusterRoles, ref.getName());
        }
        confirmHeld(user, type, name, namespace, authz.resolver().roleRefRules(namespace, ref));
    }

    private boolean allowed(UserInfo user, String verb, String group, String resource, String namespace,
                            String name) {
        return authz.authorize(Attributes.resource(user, verb, group, resource, "", namespace, name), null)
                .allowed();
    }

    private static boolean aggregates(ClusterRole role) {
        return role != null && role.getAggregationRule() != null
                && role.getAggregationRule().getClusterRoleSelectors() != null
                && !role.getAggregationRule().getClusterRoleSelectors().isEmpty();
    }

    /**
     * Kubernetes' {@code IsOnlyMutatingGCFields}: the objects are equal but for ownerReferences and finalizers (and
     * the server-managed resourceVersion, selfLink and managedFields).
     */
    static boolean onlyGarbageCollectorFields(HasMetadata obj, HasMetadata old) {
        return withoutGcFields(obj).equals(withoutGcFields(old));
    }

    private static ObjectNode withoutGcFields(HasMetadata obj) {
        ObjectNode tree = Json.toTree(obj);
        if (tree.get("metadata") instanceof ObjectNode meta) {
            meta.remove(List.of("ownerReferences", "finalizers", "managedFields", "resourceVersion", "selfLink"));
        }
        return tree;
    }
}
