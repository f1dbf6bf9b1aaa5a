package io.berth.controller.namespace;

/**
 * A namespaced resource type as discovery names it ({@code pods} in core/v1, {@code deployments} in apps/v1).
 * Immutable.
 */
record GroupVersionResource(String group, String version, String resource) {

    /** The collection in {@code namespace}: {@code /api/v1/namespaces/ns/pods}, {@code /apis/apps/v1/...}. */
    String path(String namespace) {
        String prefix = group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
        return prefix + "/namespaces/" + namespace + "/" + resource;
    }

    /** {@code pods.} or {@code deployments.apps}, as Kubernetes' conditions name resources. */
    String groupResource() {
        return resource + "." + group;
    }

    /** Go's {@code %v} of Kubernetes' GroupVersionResource, which its error messages use. */
    @Override
    public String toString() {
        return group + "/" + version + ", Resource=" + resource;
    }
}
