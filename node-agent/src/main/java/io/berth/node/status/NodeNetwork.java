package io.berth.node.status;

import java.util.Optional;

/**
 * The node's pod network as the Node's status sees it, like the kubelet's runtime network state: ready once the node
 * has a pod CIDR, which comes from the Node's {@code spec.podCIDR} when none is configured.
 *
 * <p>Implementations are thread safe: {@link #notReady()} is read on every status write, {@link #assign} is called
 * from the heartbeat thread.
 */
public interface NodeNetwork {

    /** Why pods cannot get addresses yet (a message for the Ready condition and Events), or empty when they can. */
    Optional<String> notReady();

    /**
     * Takes the Node's {@code spec.podCIDR}. Idempotent: true only for the call that made the network ready; a CIDR
     * other than the one in use is refused (false), since {@code spec.podCIDR} does not change once set.
     *
     * @throws IllegalArgumentException when {@code podCidr} is not an IPv4 CIDR the network can use
     */
    boolean assign(String podCidr);
}
