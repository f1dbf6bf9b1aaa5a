package io.berth.node.runtime;

import java.nio.file.Path;

/**
 * A pod sandbox that exists on this node.
 *
 * @param podUid      the pod's uid
 * @param ip          the pod's IP (the node's address with host networking)
 * @param netns       the network namespace file to join, or null for the host's
 * @param ipcns       the IPC namespace file the pod's containers join
 * @param utsns       the UTS namespace file the pod's containers join
 * @param pidns       the PID namespace file the containers join, or null when each container has its own
 * @param cgroupsPath the pod's cgroup, relative to each hierarchy's root (containers go below it)
 */
public record Sandbox(String podUid, String ip, Path netns, Path ipcns, Path utsns, Path pidns, String cgroupsPath) {
}
