package io.berth.node.volumes;

/** A volume could not be set up; the message is Kubernetes' {@code FailedMount} event text. */
public final class VolumeFailure extends RuntimeException {

    public VolumeFailure(String message) {
        super(message);
    }

    public VolumeFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
