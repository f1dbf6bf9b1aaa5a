package io.berth.gateway.authz;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.rbac.Attributes;
import io.berth.apimachinery.rbac.AuthorizationResult;
import io.berth.apimachinery.authorizer.ClusterAuthorizer;
import io.berth.apimachinery.rbac.Forbidden;
import io.berth.apimachinery.request.RequestInfo;
import io.berth.gateway.authn.AuthenticationFilter;
import io.berth.gateway.authn.Errors;
import io.berth.gateway.config.ManagementPort;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Authorization, after authentication and the rate limits: asks the {@link ClusterAuthorizer} (in memory, no API
 * call) and answers 403 with Kubernetes' wording when the request is not allowed. An allowed request goes on with
 * the verified identity as {@code X-Remote-*} headers; every client-sent {@code X-Remote-*} header and the
 * credential itself are removed first, since only the gateway may assert an identity to the api-service.
 */
public final class AuthorizationFilter implements WebFilter, Ordered {

    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 200;
    private static final String AUDIT_PATH = "/audit/v1/events";
    /** The pod subresources whose GET opens a connection into the pod (see {@link #connectCreate}). */
    private static final Set<String> CONNECT_SUBRESOURCES = Set.of("exec", "attach", "portforward");

    private final ClusterAuthorizer authorizer;
    private final ManagementPort management;

    public AuthorizationFilter(ClusterAuthorizer authorizer, ManagementPort management) {
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
        UserInfo user = exchange.getAttribute(AuthenticationFilter.USER_ATTRIBUTE);
        RequestInfo info = exchange.getAttribute(AuthenticationFilter.REQUEST_ATTRIBUTE);
        if (user == null || info == null) {
            return Errors.write(exchange, StatusErrors.unauthorized());
        }
        ServerHttpRequest request = exchange.getRequest();
        ServerHttpRequest forwarded = request.mutate().headers(h -> rewrite(h, user)).build();
        ServerWebExchange next = exchange.mutate().request(forwarded).build();
        if (request.getMethod() == HttpMethod.GET && request.getPath().value().equals(AUDIT_PATH)) {
            // the gateway answers the audit query itself, showing each user only what the policy lets them see
            return chain.filter(next);
        }
        if (info.resourceRequest() && info.verb().isEmpty()) {
            // a malformed resource path: no rule, not even verbs ["*"], may allow what names no verb
            return Errors.write(exchange, StatusErrors.noSuchResource());
        }
        if (user != AuthenticationFilter.ANONYMOUS) {
            try {
                String fieldSelector = request.getQueryParams().getFirst("fieldSelector");
                Attributes attributes = ClusterAuthorizer.attributes(user, info, fieldSelector);
                AuthorizationResult result = authorizer.authorize(attributes, fieldSelector);
                if (!result.allowed()) {
                    throw StatusErrors.forbidden(Forbidden.message(attributes, result.reason()));
                }
                Attributes connect = connectCreate(attributes);
                if (connect != null) {
                    AuthorizationResult create = authorizer.authorize(connect, fieldSelector);
                    if (!create.allowed()) {
                        throw StatusErrors.forbidden(Forbidden.message(connect, create.reason()));
                    }
                }
            } catch (ApiException e) {
                return Errors.write(exchange, e);
            }
        }
        return chain.filter(next);
    }

    /**
     * The second question a connect request's GET must pass, or null when there is none. The WebSocket handshake of
     * {@code pods/exec}, {@code pods/attach} and {@code pods/portforward} is a GET, so it is authorized as
     * {@code get}, yet it opens a shell or a tunnel into the pod, which SPDY's POST asks {@code create} for. As
     * Kubernetes 1.35 does (feature AuthorizePodWebsocketUpgradeCreatePermission), such a GET also needs
     * {@code create} on the same subresource, so {@code get *} never grants a shell.
     */
    static Attributes connectCreate(Attributes a) {
        boolean connect = a.resourceRequest() && a.apiGroup().isEmpty() && "pods".equals(a.resource())
                && CONNECT_SUBRESOURCES.contains(a.subresource());
        if (!connect || !"get".equals(a.verb())) {
            return null;
        }
        return new Attributes(a.user(), "create", true, a.path(), a.apiGroup(), a.apiVersion(), a.resource(),
                a.subresource(), a.namespace(), a.name());
    }

    /**
     * Removes every client-sent identity header and the credential, then adds the verified identity. Anonymous
     * requests go out as {@code system:anonymous} too, so the api-service never takes them for the gateway's own
     * connection (which carries no {@code X-Remote-User}).
     */
    static void rewrite(HttpHeaders h, UserInfo user) {
        List<String> names = h.headerNames().stream()
                .filter(n -> n.toLowerCase(Locale.ROOT).startsWith("x-remote-")
                        || n.toLowerCase(Locale.ROOT).startsWith("impersonate-"))
                .toList();
        names.forEach(h::remove);
        h.remove(HttpHeaders.AUTHORIZATION);
        h.set(UserInfo.HEADER_USER, user.name());
        if (!user.uid().isEmpty()) {
            h.set(UserInfo.HEADER_UID, user.uid());
        }
        for (String group : user.groups()) {
            h.add(UserInfo.HEADER_GROUP, group);
        }
        for (Map.Entry<String, List<String>> e : user.extra().entrySet()) {
            // keys such as authentication.kubernetes.io/pod-name are not header tokens: percent-encoded, as Kubernetes'
            // front proxies do, and decoded by the api-service
            h.put(UserInfo.HEADER_EXTRA_PREFIX + URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8), e.getValue());
        }
    }
}
