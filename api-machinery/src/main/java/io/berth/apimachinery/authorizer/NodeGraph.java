package io.berth.apimachinery.authorizer;

import io.fabric8.kubernetes.api.model.Pod;

import java.util.List;

/**
 * The node authorizer's view of the cluster: which pods are bound to a node. Fed by the gateway's pod informer or the api-service's pod watch cache.
 * Thread safe.
 */
public interface NodeGraph {

    /** Pods whose {@code spec.nodeName} is {@code node}; never null. */
    List<Pod> podsOnNode(String node);

    /** A pod by namespace and name, or null. */
    Pod pod(String namespace, String name);
}
