package io.berth.node.pods;

import io.berth.node.runtime.ContainerState;
import io.berth.node.runtime.Sandbox;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * Starts one run of a container: finds its image (honouring {@code imagePullPolicy}), prepares its root filesystem
 * and volumes, plans its OCI bundle and hands it to the runtime. The seam between the pod worker's decisions and
 * everything that touches the machine.
 */
interface ContainerLauncher {

    /**
     * Starts run {@code attempt} of {@code container}; on failure throws {@link LaunchFailure} carrying the waiting
     * reason Kubernetes shows ({@code ErrImageNeverPull}, {@code CreateContainerConfigError}, ...).
     */
    Started launch(Pod pod, Container container, Sandbox sandbox, int attempt, boolean init);

    /**
     * Brings the pod's volumes up to date with their sources (configMap, secret, downwardAPI and projected contents,
     * ServiceAccount tokens near expiry) while its containers run; failures are the caller's to log.
     */
    void refreshVolumes(Pod pod, Sandbox sandbox);

    /** Removes what {@link #launch} prepared for a run (root filesystem, bundle); idempotent. */
    void release(String containerId);

    /** Removes everything the pod had on the node: volumes (unmounted), logs, its directory; idempotent. */
    void releasePod(String namespace, String name, String uid);

    /** The started run and the image digest it came from. */
    record Started(ContainerState state, String imageId) {
    }

    /** A container could not start; {@code reason} is Kubernetes' waiting reason. */
    final class LaunchFailure extends RuntimeException {
        private final String reason;

        LaunchFailure(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        LaunchFailure(String reason, String message, Throwable cause) {
            super(message, cause);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }
}
