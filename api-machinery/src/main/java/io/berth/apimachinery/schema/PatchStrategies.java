package io.berth.apimachinery.schema;

import java.util.Map;

/**
 * Kubernetes' {@code patchStrategy}/{@code patchMergeKey} struct tags for the registered types (v1.32), keyed by
 * {@code GoTypeName.jsonField}. The fabric8 classes carry the Go type names, so the key is the class's simple name.
 * Fields not listed are replaced as a whole by strategic merge patch (lists) or merged (maps, objects).
 */
final class PatchStrategies {

    private PatchStrategies() {
    }

    private static final Schema.PatchMeta MERGE = new Schema.PatchMeta(true, false, null);

    private static Schema.PatchMeta merge(String key) {
        return new Schema.PatchMeta(true, false, key);
    }

    private static Schema.PatchMeta mergeRetain(String key) {
        return new Schema.PatchMeta(true, true, key);
    }

    private static final Schema.PatchMeta RETAIN_KEYS = new Schema.PatchMeta(false, true, null);

    static final Map<String, Schema.PatchMeta> TABLE = Map.ofEntries(
            // meta/v1
            Map.entry("ObjectMeta.finalizers", MERGE),
            Map.entry("ObjectMeta.ownerReferences", merge("uid")),
            // core/v1 PodSpec and containers
            Map.entry("PodSpec.volumes", mergeRetain("name")),
            Map.entry("PodSpec.initContainers", merge("name")),
            Map.entry("PodSpec.containers", merge("name")),
            Map.entry("PodSpec.ephemeralContainers", merge("name")),
            Map.entry("PodSpec.imagePullSecrets", merge("name")),
            Map.entry("PodSpec.hostAliases", merge("ip")),
            Map.entry("PodSpec.topologySpreadConstraints", merge("topologyKey")),
            Map.entry("PodSpec.schedulingGates", merge("name")),
            Map.entry("PodSpec.resourceClaims", mergeRetain("name")),
            Map.entry("Container.ports", merge("containerPort")),
            Map.entry("Container.env", merge("name")),
            Map.entry("Container.volumeMounts", merge("mountPath")),
            Map.entry("Container.volumeDevices", merge("devicePath")),
            Map.entry("EphemeralContainer.ports", merge("containerPort")),
            Map.entry("EphemeralContainer.env", merge("name")),
            Map.entry("EphemeralContainer.volumeMounts", merge("mountPath")),
            Map.entry("EphemeralContainer.volumeDevices", merge("devicePath")),
            Map.entry("PodStatus.conditions", merge("type")),
            Map.entry("PodStatus.podIPs", merge("ip")),
            Map.entry("PodStatus.hostIPs", merge("ip")),
            Map.entry("PodStatus.resourceClaimStatuses", mergeRetain("name")),
            // core/v1 others
            Map.entry("NodeSpec.podCIDRs", MERGE),
            Map.entry("NodeStatus.conditions", merge("type")),
            Map.entry("NodeStatus.addresses", merge("type")),
            Map.entry("NamespaceStatus.conditions", merge("type")),
            Map.entry("ServiceSpec.ports", merge("port")),
            Map.entry("ServiceStatus.conditions", merge("type")),
            Map.entry("ServiceAccount.secrets", merge("name")),
            // apps/v1
            Map.entry("DeploymentSpec.strategy", RETAIN_KEYS),
            Map.entry("DeploymentStatus.conditions", merge("type")),
            Map.entry("ReplicaSetStatus.conditions", merge("type")));

    static Schema.PatchMeta lookup(Class<?> declaringType, String field) {
        return TABLE.getOrDefault(declaringType.getSimpleName() + "." + field, Schema.PatchMeta.NONE);
    }
}
