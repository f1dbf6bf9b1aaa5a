package io.berth.node.runtime;

/**
 * The pod network cannot give a pod an address yet (the kubelet's {@code NetworkReady=false}): the node has no pod
 * CIDR until the controller manager's node IPAM assigns its {@code spec.podCIDR}. Not a failure of the pod: its
 * worker waits and tries again; {@code hostNetwork} pods are not affected.
 */
public final class NetworkNotReady extends RuntimeFailure {

    public NetworkNotReady(String message) {
        super(message);
    }
}
