package io.berth.node.pods;

/**
 * A container cannot be planned from its spec: the pod worker reports it as the container's waiting state
 * ({@code reason}, {@code message}) and tries again later, as the kubelet does.
 */
public class ContainerPlanFailure extends RuntimeException {

    /** The spec refers to something missing or not allowed (a ConfigMap, a key, runAsNonRoot): fixable by the user. */
    public static final String CREATE_CONTAINER_CONFIG_ERROR = "CreateContainerConfigError";
    /** The spec is complete but cannot become a container (no command, an unknown capability). */
    public static final String CREATE_CONTAINER_ERROR = "CreateContainerError";

    private final String reason;

    public ContainerPlanFailure(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** {@code CreateContainerConfigError}: the message is Kubernetes' for the same problem. */
    static ContainerPlanFailure config(String message) {
        return new ContainerPlanFailure(CREATE_CONTAINER_CONFIG_ERROR, message);
    }

    /** {@code CreateContainerError}. */
    static ContainerPlanFailure create(String message) {
        return new ContainerPlanFailure(CREATE_CONTAINER_ERROR, message);
    }

    /** The container status' waiting reason, e.g. {@code CreateContainerConfigError}. */
    public String reason() {
        return reason;
    }
}
