package io.berth.apimachinery.registry;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsList;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeList;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceList;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaList;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretList;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountList;
import io.fabric8.kubernetes.api.model.ServiceList;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentList;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetList;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.api.model.authorization.v1.LocalSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseList;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceList;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyList;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingList;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleList;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingList;
import io.fabric8.kubernetes.api.model.rbac.RoleList;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassList;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The resources Berth serves, in discovery order. Immutable after construction and thread safe.
 */
public final class ResourceRegistry {

    private final List<ResourceType> types;
    private final Map<String, ResourceType> byGroupVersionResource = new LinkedHashMap<>();
    private final Map<Class<?>, ResourceType> byClass = new LinkedHashMap<>();

    public ResourceRegistry(List<ResourceType> types) {
        this.types = List.copyOf(types);
        for (ResourceType t : this.types) {
            byGroupVersionResource.put(key(t.group(), t.version(), t.resource()), t);
            byClass.putIfAbsent(t.type(), t);
        }
    }

    /** The registry of every built-in resource this release serves. */
    public static ResourceRegistry builtIn() {
        return BUILT_IN;
    }

    public List<ResourceType> all() {
        return types;
    }

    public Optional<ResourceType> find(String group, String version, String resource) {
        return Optional.ofNullable(byGroupVersionResource.get(key(group, version, resource)));
    }

    public Optional<ResourceType> forClass(Class<?> type) {
        return Optional.ofNullable(byClass.get(type));
    }

    /** Groups in discovery order, core ({@code ""}) first. */
    public Set<String> groups() {
        Set<String> groups = new LinkedHashSet<>();
        types.forEach(t -> groups.add(t.group()));
        return Collections.unmodifiableSet(groups);
    }

    /** Versions served for a group, preferred first. */
    public List<String> versions(String group) {
        List<String> versions = new ArrayList<>();
        for (ResourceType t : types) {
            if (t.group().equals(group) && !versions.contains(t.version())) {
                versions.add(t.version());
            }
        }
        return versions;
    }

    public List<ResourceType> resources(String group, String version) {
        return types.stream().filter(t -> t.group().equals(group) && t.version().equals(version)).toList();
    }

    private static String key(String group, String version, String resource) {
        return group + "/" + version + "/" + resource;
    }

    private static final ResourceRegistry BUILT_IN = new ResourceRegistry(List.of(
            core("namespaces", "namespace", "Namespace", false, Namespace.class, NamespaceList.class,
                    List.of("ns"), Set.of("status", "finalize"), true),
            core("pods", "pod", "Pod", true, Pod.class, PodList.class,
                    List.of("po"), Set.of("status", "binding", "log", "exec"), true).withCategories("all"),
            core("nodes", "node", "Node", false, Node.class, NodeList.class,
                    List.of("no"), Set.of("status", "token"), true),
            core("services", "service", "Service", true, Service.class, ServiceList.class,
                    List.of("svc"), Set.of("status"), true).withCategories("all"),
            core("endpoints", "endpoints", "Endpoints", true, Endpoints.class, EndpointsList.class,
                    List.of("ep"), Set.of(), false),
            core("configmaps", "configmap", "ConfigMap", true, ConfigMap.class, ConfigMapList.class,
                    List.of("cm"), Set.of(), false),
            core("secrets", "secret", "Secret", true, Secret.class, SecretList.class,
                    List.of(), Set.of(), false),
            core("serviceaccounts", "serviceaccount", "ServiceAccount", true, ServiceAccount.class,
                    ServiceAccountList.class, List.of("sa"), Set.of("token"), false),
            core("events", "event", "Event", true, Event.class, EventList.class,
                    List.of("ev"), Set.of(), false),
            core("resourcequotas", "resourcequota", "ResourceQuota", true, ResourceQuota.class,
                    ResourceQuotaList.class, List.of("quota"), Set.of("status"), true),
            core("limitranges", "limitrange", "LimitRange", true, LimitRange.class, LimitRangeList.class,
                    List.of("limits"), Set.of(), true),
            of("apps", "deployments", "deployment", "Deployment", true, Deployment.class, DeploymentList.class,
                    List.of("deploy"), Set.of("status", "scale"), true).withCategories("all"),
            of("apps", "replicasets", "replicaset", "ReplicaSet", true, ReplicaSet.class, ReplicaSetList.class,
                    List.of("rs"), Set.of("status", "scale"), true).withCategories("all"),
            of("coordination.k8s.io", "leases", "lease", "Lease", true, Lease.class, LeaseList.class,
                    List.of(), Set.of(), true),
            of("rbac.authorization.k8s.io", "roles", "role", "Role", true, Role.class, RoleList.class,
                    List.of(), Set.of(), false),
            of("rbac.authorization.k8s.io", "rolebindings", "rolebinding", "RoleBinding", true,
                    RoleBinding.class, RoleBindingList.class, List.of(), Set.of(), false),
            of("rbac.authorization.k8s.io", "clusterroles", "clusterrole", "ClusterRole", false,
                    ClusterRole.class, ClusterRoleList.class, List.of(), Set.of(), false),
            of("rbac.authorization.k8s.io", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding",
                    false, ClusterRoleBinding.class, ClusterRoleBindingList.class, List.of(), Set.of(), false),
            of("networking.k8s.io", "networkpolicies", "networkpolicy", "NetworkPolicy", true,
                    NetworkPolicy.class, NetworkPolicyList.class, List.of("netpol"), Set.of(), true),
            of("discovery.k8s.io", "endpointslices", "endpointslice", "EndpointSlice", true,
                    EndpointSlice.class, EndpointSliceList.class, List.of(), Set.of(), false),
            of("scheduling.k8s.io", "priorityclasses", "priorityclass", "PriorityClass", false,
                    PriorityClass.class, PriorityClassList.class, List.of("pc"), Set.of(), false),
            new ResourceType("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "selfsubjectaccessreview",
                    "SelfSubjectAccessReview", false, SelfSubjectAccessReview.class, null, List.of(), List.of(),
                    Set.of("create"), Set.of(), false, true),
            new ResourceType("authorization.k8s.io", "v1", "subjectaccessreviews", "subjectaccessreview",
                    "SubjectAccessReview", false, SubjectAccessReview.class, null, List.of(), List.of(),
                    Set.of("create"), Set.of(), false, true),
            new ResourceType("authorization.k8s.io", "v1", "localsubjectaccessreviews", "localsubjectaccessreview",
                    "LocalSubjectAccessReview", true, LocalSubjectAccessReview.class, null, List.of(), List.of(),
                    Set.of("create"), Set.of(), false, true),
            new ResourceType("authentication.k8s.io", "v1", "selfsubjectreviews", "selfsubjectreview",
                    "SelfSubjectReview", false, SelfSubjectReview.class, null, List.of(), List.of(),
                    Set.of("create"), Set.of(), false, false)));

    private static ResourceType core(String resource, String singular, String kind, boolean namespaced,
                                     Class<? extends HasMetadata> type,
                                     Class<? extends KubernetesResourceList<?>> listType,
                                     List<String> shortNames, Set<String> subresources, boolean hasSpec) {
        return of("", resource, singular, kind, namespaced, type, listType, shortNames, subresources, hasSpec);
    }

    private static ResourceType of(String group, String resource, String singular, String kind, boolean namespaced,
                                   Class<? extends HasMetadata> type,
                                   Class<? extends KubernetesResourceList<?>> listType,
                                   List<String> shortNames, Set<String> subresources, boolean hasSpec) {
        return new ResourceType(group, "v1", resource, singular, kind, namespaced, type, listType, shortNames,
                List.of(), ResourceType.STANDARD_VERBS, subresources, true, hasSpec);
    }
}
