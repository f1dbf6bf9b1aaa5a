package io.berth.apimachinery.authorizer;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.rbac.Attributes;
import io.berth.apimachinery.rbac.AuthorizationResult;
import io.berth.apimachinery.rbac.Decision;
import io.berth.apimachinery.rbac.PrivilegedGroupAuthorizer;
import io.berth.apimachinery.rbac.RbacAuthorizer;
import io.berth.apimachinery.request.RequestInfo;

import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The cluster's authorizer chain, used by the gateway for every request and by the api-service for access reviews
 * and escalation checks (each over its own caches), as kube-apiserver's {@code --authorization-mode=Node,RBAC} with the privileged
 * group first: {@code system:masters} is always allowed; a node's request is decided by the {@link NodeAuthorizer}
 * when it governs the resource; everything else by RBAC over the informer caches. Default deny: no opinion from
 * every authorizer is a denial. Until the caches have their first list it cannot decide and throws 503 (only
 * {@code system:masters} is served then). Thread safe.
 */
public final class ClusterAuthorizer {

    public static final String MASTERS = "system:masters";

    private final PrivilegedGroupAuthorizer masters = new PrivilegedGroupAuthorizer(Set.of(MASTERS));
    private final NodeAuthorizer nodes;
    private final RbacAuthorizer rbac;
    private final BooleanSupplier synced;

    public ClusterAuthorizer(NodeAuthorizer nodes, RbacAuthorizer rbac, BooleanSupplier synced) {
        this.nodes = nodes;
        this.rbac = rbac;
        this.synced = synced;
    }

    /**
     * Decides a request.
     *
     * @param fieldSelector the request's field selector (list and watch), which the node authorizer needs
     * @throws io.berth.apimachinery.errors.ApiException 503 while the informers have not synced
     */
    public AuthorizationResult authorize(Attributes a, String fieldSelector) {
        AuthorizationResult result = masters.authorize(a);
        if (result.decision() != Decision.NO_OPINION) {
            return result;
        }
        if (!synced.getAsBoolean()) {
            throw StatusErrors.serviceUnavailable("the authorizer has not loaded RBAC policy yet; try again shortly");
        }
        result = nodes.authorize(a, fieldSelector);
        if (result.decision() != Decision.NO_OPINION) {
            return result;
        }
        return rbac.authorize(a);
    }

    /**
     * A request's attributes as Kubernetes' RequestInfoFactory builds them, including its rule that a list or watch
     * selecting one object by {@code metadata.name} is a request for that name (so {@code resourceNames} rules
     * apply to it).
     */
    public static Attributes attributes(UserInfo user, RequestInfo info, String fieldSelector) {
        Attributes a = Attributes.of(user, info);
        if (info.resourceRequest() && info.name().isEmpty()
                && (info.verb().equals("list") || info.verb().equals("watch"))) {
            String name = singleName(fieldSelector);
            if (name != null) {
                return new Attributes(a.user(), a.verb(), a.resourceRequest(), a.path(), a.apiGroup(),
                        a.apiVersion(), a.resource(), a.subresource(), a.namespace(), name);
            }
        }
        return a;
    }

    /** The value of a selector that is exactly {@code metadata.name=<v>} (or {@code ==}), else null. */
    static String singleName(String fieldSelector) {
        if (fieldSelector == null || fieldSelector.contains(",")) {
            return null;
        }
        String s = fieldSelector.trim();
        for (String prefix : new String[] {"metadata.name==", "metadata.name="}) {
            if (s.startsWith(prefix)) {
                String v = s.substring(prefix.length());
                return v.isEmpty() || v.contains("=") || v.contains("!") ? null : v;
            }
        }
        return null;
    }
}
