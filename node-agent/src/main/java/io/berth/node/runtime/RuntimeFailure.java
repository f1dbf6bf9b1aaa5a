package io.berth.node.runtime;

/** A runtime operation failed; the message is fit for a container status message or an Event. */
public class RuntimeFailure extends RuntimeException {

    public RuntimeFailure(String message) {
        super(message);
    }

    public RuntimeFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
