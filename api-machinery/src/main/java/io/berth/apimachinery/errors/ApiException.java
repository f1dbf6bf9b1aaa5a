package io.berth.apimachinery.errors;

import io.fabric8.kubernetes.api.model.Status;

/**
 * An error that reaches the client as a Kubernetes {@code Status} with its HTTP code and reason.
 * Build them with {@link StatusErrors}.
 */
public class ApiException extends RuntimeException {

    private final transient Status status;

    public ApiException(Status status) {
        super(status.getMessage(), null, false, false);
        this.status = status;
    }

    public Status status() {
        return status;
    }

    public int code() {
        return status.getCode();
    }

    public String reason() {
        return status.getReason();
    }
}
