package io.berth.node.pods;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds a container of a pod on this node for the logs/exec endpoint.
 */
public interface PodLocator {

    /**
     * A container by pod namespace, pod name and container name (null or empty container: the pod's only container
     * or the one named by its {@code kubectl.kubernetes.io/default-container} annotation), or empty when this node
     * runs no such pod or the pod has no such container.
     */
    Optional<Located> find(String namespace, String pod, String container);

    /**
     * A located container.
     *
     * @param podUid      the pod's uid
     * @param container   the container's name
     * @param containerId the runtime id of its latest run, or null when it never ran
     * @param running     its latest run is running (exec needs that)
     * @param currentLog  the CRI-format log file of its latest run, or null
     * @param previousLog the log file of the run before, or null (for {@code --previous})
     */
    record Located(String podUid, String container, String containerId, boolean running, Path currentLog,
                   Path previousLog) {
    }
}
