package io.berth.node.runtime;

/**
 * What a pod sandbox needs.
 *
 * @param podUid                the pod's uid: the sandbox's id
 * @param namespace             the pod's namespace (for names and labels only)
 * @param name                  the pod's name
 * @param hostname              the UTS namespace's host name (the pod's {@code spec.hostname}, else its name)
 * @param hostNetwork           use the node's network namespace (no veth, the node's IP)
 * @param shareProcessNamespace one PID namespace for all of the pod's containers
 */
public record SandboxConfig(String podUid, String namespace, String name, String hostname, boolean hostNetwork,
                            boolean shareProcessNamespace) {
}
