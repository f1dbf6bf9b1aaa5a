package io.berth.apimachinery.rbac;

import java.util.List;

/**
 * Kubernetes' union authorizer: asks each authorizer in order; the first ALLOW or DENY wins, with that authorizer's
 * reason. When every one has no opinion, the answer is NO_OPINION with their non-empty reasons joined by newlines,
 * and the caller refuses the request. Immutable and thread safe when its authorizers are.
 */
public final class UnionAuthorizer implements Authorizer {

    private final Authorizer[] chain;

    public UnionAuthorizer(List<Authorizer> chain) {
        this.chain = chain.toArray(Authorizer[]::new);
    }

    @Override
    public AuthorizationResult authorize(Attributes attributes) {
        StringBuilder reasons = null;
        for (Authorizer authorizer : chain) {
            AuthorizationResult result = authorizer.authorize(attributes);
            if (result.decision() != Decision.NO_OPINION) {
                return result;
            }
            if (!result.reason().isEmpty()) {
                reasons = reasons == null ? new StringBuilder() : reasons.append('\n');
                reasons.append(result.reason());
            }
        }
        return AuthorizationResult.noOpinion(reasons == null ? "" : reasons.toString());
    }
}
