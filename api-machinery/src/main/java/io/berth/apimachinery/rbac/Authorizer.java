package io.berth.apimachinery.rbac;

/**
 * Decides whether a request may proceed, as Kubernetes' {@code authorizer.Authorizer}. Implementations are thread
 * safe and do not block: they run on every request.
 */
@FunctionalInterface
public interface Authorizer {

    /** Never null; an authorizer that cannot decide answers {@link Decision#NO_OPINION}. */
    AuthorizationResult authorize(Attributes attributes);
}
