package io.berth.apimachinery.rbac;

/**
 * An authorizer's decision and the reason it gives. Immutable.
 *
 * @param reason why, for logs, audit annotations and the Forbidden message; "" when there is nothing to say
 *               (Kubernetes' RBAC authorizer says nothing when no rule matched and no role was missing)
 */
public record AuthorizationResult(Decision decision, String reason) {

    public AuthorizationResult {
        if (decision == null) {
            throw new IllegalArgumentException("decision is required");
        }
        reason = reason == null ? "" : reason;
    }

    public static AuthorizationResult allow(String reason) {
        return new AuthorizationResult(Decision.ALLOW, reason);
    }

    public static AuthorizationResult deny(String reason) {
        return new AuthorizationResult(Decision.DENY, reason);
    }

    public static AuthorizationResult noOpinion(String reason) {
        return new AuthorizationResult(Decision.NO_OPINION, reason);
    }

    /** True only for {@link Decision#ALLOW}: callers refuse everything else (default deny). */
    public boolean allowed() {
        return decision == Decision.ALLOW;
    }
}
