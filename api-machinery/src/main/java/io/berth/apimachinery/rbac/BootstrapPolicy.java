package io.berth.apimachinery.rbac;

import io.berth.apimachinery.json.Json;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The default RBAC policy a Berth cluster starts with: Kubernetes v1.32's (default feature gates) plus Berth's own
 * roles, every object labelled {@code kubernetes.io/bootstrapping: rbac-defaults} and annotated
 * {@code rbac.authorization.kubernetes.io/autoupdate: "true"}.
 *
 * <p>The data is in YAML next to this class, easiest to review there: {@code kubernetes/} holds Kubernetes' golden
 * files (cluster roles, the controller roles Berth's controller-service stands in for, bindings, kube-system and
 * kube-public roles), {@code berth/} Berth's roles, bindings, and the rules Berth appends to Kubernetes' roles.
 *
 * <p>Each call returns new objects that the caller owns and may modify. Thread safe.
 */
public final class BootstrapPolicy {

    private static final String BASE = "/io/berth/apimachinery/rbac/";

    // parsed once; every call converts afresh, so callers never share objects
    private static final List<JsonNode> CLUSTER_ROLES = concat(items("kubernetes/cluster-roles.yaml"),
            items("kubernetes/controller-roles.yaml"), items("berth/cluster-roles.yaml"));
    private static final List<JsonNode> CLUSTER_ROLE_ADDITIONS = items("berth/cluster-role-additions.yaml");
    private static final List<JsonNode> CLUSTER_ROLE_BINDINGS = concat(items("kubernetes/cluster-role-bindings.yaml"),
            items("berth/cluster-role-bindings.yaml"));
    private static final List<JsonNode> ROLES = items("kubernetes/namespace-roles.yaml");
    private static final List<JsonNode> ROLE_BINDINGS = items("kubernetes/namespace-role-bindings.yaml");

    static {
        // fail at class load, not on some later request, when an addition names a role that does not exist
        clusterRoles();
    }

    private BootstrapPolicy() {
    }

    /** Kubernetes' default ClusterRoles (with Berth's additional rules), the controller roles, then Berth's own. */
    public static List<ClusterRole> clusterRoles() {
        List<ClusterRole> roles = convert(CLUSTER_ROLES, ClusterRole.class);
        Map<String, ClusterRole> byName = roles.stream()
                .collect(Collectors.toMap(r -> r.getMetadata().getName(), Function.identity()));
        for (ClusterRole addition : convert(CLUSTER_ROLE_ADDITIONS, ClusterRole.class)) {
            ClusterRole target = byName.get(addition.getMetadata().getName());
            if (target == null) {
                throw new IllegalStateException("berth/cluster-role-additions.yaml extends ClusterRole "
                        + addition.getMetadata().getName() + ", which the default policy does not have");
            }
            List<PolicyRule> rules = new ArrayList<>(target.getRules() == null ? List.of() : target.getRules());
            rules.addAll(addition.getRules());
            target.setRules(rules);
        }
        return roles;
    }

    public static List<ClusterRoleBinding> clusterRoleBindings() {
        return convert(CLUSTER_ROLE_BINDINGS, ClusterRoleBinding.class);
    }

    /** Kubernetes' default Roles in kube-system and kube-public. */
    public static List<Role> roles() {
        return convert(ROLES, Role.class);
    }

    /** Kubernetes' default RoleBindings in kube-system and kube-public. */
    public static List<RoleBinding> roleBindings() {
        return convert(ROLE_BINDINGS, RoleBinding.class);
    }

    private static <T> List<T> convert(List<JsonNode> items, Class<T> type) {
        List<T> objects = new ArrayList<>(items.size());
        for (JsonNode item : items) {
            objects.add(Json.convert(item, type));
        }
        return objects;
    }

    @SafeVarargs
    private static List<JsonNode> concat(List<JsonNode>... lists) {
        List<JsonNode> all = new ArrayList<>();
        for (List<JsonNode> list : lists) {
            all.addAll(list);
        }
        return List.copyOf(all);
    }

    private static List<JsonNode> items(String file) {
        try (InputStream in = BootstrapPolicy.class.getResourceAsStream(BASE + file)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + BASE + file);
            }
            JsonNode list = Json.yamlTree(in.readAllBytes());
            List<JsonNode> items = new ArrayList<>();
            list.path("items").forEach(items::add);
            return List.copyOf(items);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
