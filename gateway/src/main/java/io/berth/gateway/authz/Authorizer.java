package io.berth.gateway.authz;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.request.RequestInfo;

/**
 * Decides whether a user may make a request. Until RBAC lands only members of {@code system:masters} pass, which is
 * what Kubernetes' authorizer chain grants before any RBAC object exists; everyone else gets 403 with Kubernetes'
 * wording. Stateless and thread safe.
 */
public final class Authorizer {

    public static final String MASTERS = "system:masters";

    public void authorize(UserInfo user, RequestInfo info) {
        if (user.inGroup(MASTERS)) {
            return;
        }
        throw StatusErrors.forbidden(message(user, info));
    }

    static String message(UserInfo user, RequestInfo info) {
        if (!info.resourceRequest()) {
            return "forbidden: User \"" + user.name() + "\" cannot " + info.verb() + " path \"" + info.path() + "\"";
        }
        String qualified = info.group().isEmpty() ? info.resourceWithSubresource()
                : info.resource() + "." + info.group() + (info.subresource().isEmpty() ? "" : "/" + info.subresource());
        String what = info.name().isEmpty() ? qualified : qualified + " \"" + info.name() + "\"";
        StringBuilder sb = new StringBuilder(what).append(" is forbidden: User \"").append(user.name())
                .append("\" cannot ").append(info.verb()).append(" resource \"").append(info.resource()).append('"');
        if (!info.subresource().isEmpty()) {
            sb.append(" with subresource \"").append(info.subresource()).append('"');
        }
        sb.append(" in API group \"").append(info.group()).append('"');
        if (!info.namespace().isEmpty()) {
            sb.append(" in the namespace \"").append(info.namespace()).append('"');
        } else {
            sb.append(" at the cluster scope");
        }
        return sb.toString();
    }
}
