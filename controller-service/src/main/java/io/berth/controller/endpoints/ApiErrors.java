package io.berth.controller.endpoints;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Reading API errors as Kubernetes' {@code apierrors} helpers do. Pure; thread safe. */
public final class ApiErrors {

    private ApiErrors() {
    }

    /**
     * A write refused because the namespace is being deleted ({@code NamespaceTerminating} cause): it will keep
     * failing, so the controllers drop the key instead of retrying.
     */
    public static boolean namespaceTerminating(KubernetesClientException e) {
        Status status = e.getStatus();
        if (status == null || status.getDetails() == null || status.getDetails().getCauses() == null) {
            return false;
        }
        for (StatusCause cause : status.getDetails().getCauses()) {
            if ("NamespaceTerminating".equals(cause.getReason())) {
                return true;
            }
        }
        return false;
    }

    /** The error's message, or its class name. */
    public static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
