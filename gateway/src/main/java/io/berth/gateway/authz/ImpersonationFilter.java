package io.berth.gateway.authz;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.authorizer.ClusterAuthorizer;
import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.rbac.Attributes;
import io.berth.apimachinery.rbac.AuthorizationResult;
import io.berth.apimachinery.rbac.Forbidden;
import io.berth.gateway.authn.AuthenticationFilter;
import io.berth.gateway.authn.Errors;
import io.berth.gateway.config.ManagementPort;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Kubernetes user impersonation ({@code kubectl --as}, {@code --as-group}, {@code --as-uid}): the
 * {@code Impersonate-User}, {@code Impersonate-Group}, {@code Impersonate-Uid} and {@code Impersonate-Extra-*}
 * headers. Each one needs the {@code impersonate} verb, as Kubernetes checks it: on {@code users}, {@code groups}
 * (core group), on {@code serviceaccounts} in their namespace for {@code system:serviceaccount:<ns>:<name>}, on
 * {@code uids} and {@code userextras/<key>} in {@code authentication.k8s.io}. When every check passes the request
 * continues as the impersonated user (the rest of the pipeline, authorization included, sees only that user);
 * otherwise 403. Groups or extras without a user are 400, as in Kubernetes. Runs right after authentication.
 */
public final class ImpersonationFilter implements WebFilter, Ordered {

    public static final int ORDER = AuthenticationFilter.ORDER + 20;
    /** The user who asked for impersonation, for the audit trail. */
    public static final String IMPERSONATOR_ATTRIBUTE = "berth.impersonator";

    private static final String USER = "impersonate-user";
    private static final String GROUP = "impersonate-group";
    private static final String UID = "impersonate-uid";
    private static final String EXTRA = "impersonate-extra-";
    private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

    private final ClusterAuthorizer authorizer;
    private final ManagementPort management;

    public ImpersonationFilter(ClusterAuthorizer authorizer, ManagementPort management) {
        this.authorizer = authorizer;
        this.management = management;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (management.matches(exchange)) {
            return chain.filter(exchange);
        }
        HttpHeaders headers = exchange.getRequest().getHeaders();
        boolean any = headers.headerNames().stream().anyMatch(h -> h.toLowerCase(Locale.ROOT).startsWith("impersonate-"));
        UserInfo requester = exchange.getAttribute(AuthenticationFilter.USER_ATTRIBUTE);
        if (!any || requester == null) {
            return chain.filter(exchange);
        }
        try {
            UserInfo impersonated = impersonate(requester, headers);
            exchange.getAttributes().put(IMPERSONATOR_ATTRIBUTE, requester);
            exchange.getAttributes().put(AuthenticationFilter.USER_ATTRIBUTE, impersonated);
        } catch (ApiException e) {
            return Errors.write(exchange, e);
        }
        return chain.filter(exchange);
    }

    UserInfo impersonate(UserInfo requester, HttpHeaders headers) {
        if (requester == AuthenticationFilter.ANONYMOUS) {
            throw StatusErrors.unauthorized();
        }
        String user = null;
        String uid = "";
        List<String> groups = new ArrayList<>();
        Map<String, List<String>> extra = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> h : headers.headerSet()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.equals(USER)) {
                user = h.getValue().get(0);
            } else if (name.equals(GROUP)) {
                groups.addAll(h.getValue());
            } else if (name.equals(UID)) {
                uid = h.getValue().get(0);
            } else if (name.startsWith(EXTRA)) {
                String key = URLDecoder.decode(name.substring(EXTRA.length()), StandardCharsets.UTF_8);
                extra.computeIfAbsent(key, k -> new ArrayList<>()).addAll(h.getValue());
            } else if (name.startsWith("impersonate-")) {
                throw StatusErrors.badRequest("unknown impersonation header " + h.getKey());
            }
        }
        if (user == null || user.isEmpty()) {
            throw StatusErrors.badRequest("requested " + (groups.isEmpty() ? "extra" : "groups") + " without "
                    + "impersonating a user");
        }
        if (user.startsWith(SERVICE_ACCOUNT_PREFIX)) {
            String[] parts = user.substring(SERVICE_ACCOUNT_PREFIX.length()).split(":", 2);
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw StatusErrors.badRequest("invalid ServiceAccount user name: " + user);
            }
            check(Attributes.resource(requester, "impersonate", "", "serviceaccounts", "", parts[0], parts[1]));
            if (groups.isEmpty()) {
                groups.add("system:serviceaccounts");
                groups.add("system:serviceaccounts:" + parts[0]);
            }
        } else {
            check(Attributes.resource(requester, "impersonate", "", "users", "", "", user));
        }
        for (String group : groups) {
            check(Attributes.resource(requester, "impersonate", "", "groups", "", "", group));
        }
        if (!uid.isEmpty()) {
            check(Attributes.resource(requester, "impersonate", "authentication.k8s.io", "uids", "", "", uid));
        }
        for (Map.Entry<String, List<String>> e : extra.entrySet()) {
            for (String value : e.getValue()) {
                check(Attributes.resource(requester, "impersonate", "authentication.k8s.io", "userextras", e.getKey(),
                        "", value));
            }
        }
        if (!user.equals("system:anonymous") && !groups.contains("system:authenticated")) {
            groups.add("system:authenticated");
        }
        return new UserInfo(user, uid, groups, extra);
    }

    private void check(Attributes a) {
        AuthorizationResult result = authorizer.authorize(a, null);
        if (!result.allowed()) {
            throw StatusErrors.forbidden(Forbidden.message(a, result.reason()));
        }
    }
}
