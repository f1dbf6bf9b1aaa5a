package io.berth.apimachinery.rbac;

/** An authorizer's answer, as Kubernetes' {@code authorizer.Decision}. */
public enum Decision {
    /** The request is allowed; later authorizers are not asked. */
    ALLOW,
    /** The request is refused; later authorizers are not asked. */
    DENY,
    /** This authorizer does not decide; the next one is asked, and when none decides the request is refused. */
    NO_OPINION
}
