package io.berth.gateway.authn;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.request.RequestInfo;
import io.berth.gateway.authz.Authorizer;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The gateway's front door: authenticates the bearer token, authorizes the request, and rewrites the identity
 * headers. Client-sent {@code X-Remote-*} headers are always removed (only the gateway may assert an identity to the
 * api-service); {@code Authorization} is not forwarded; the authenticated user goes out as {@code X-Remote-User},
 * {@code X-Remote-Uid}, one {@code X-Remote-Group} per group and {@code X-Remote-Extra-*}, over the gateway's
 * mutual-TLS connection. Health and version paths are open to anonymous callers, as in Kubernetes.
 */
public final class IdentityFilter implements GlobalFilter, Ordered {

    /** Before routing and load balancing. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;
    public static final String USER_ATTRIBUTE = "berth.user";

    private static final Set<String> ANONYMOUS_PATHS = Set.of("/healthz", "/livez", "/readyz", "/version");
    private static final UserInfo ANONYMOUS = UserInfo.of("system:anonymous", "", List.of("system:unauthenticated"));

    private final TokenFile tokens;
    private final Authorizer authorizer;

    public IdentityFilter(TokenFile tokens, Authorizer authorizer) {
        this.tokens = tokens;
        this.authorizer = authorizer;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        HttpHeaders headers = request.getHeaders();
        try {
            if (headers.headerNames().stream().anyMatch(h -> h.toLowerCase(Locale.ROOT).startsWith("impersonate-"))) {
                throw StatusErrors.forbidden("impersonation is not supported by this gateway yet");
            }
            String path = request.getPath().value();
            Optional<UserInfo> user = tokens.authenticate(bearer(headers.getFirst(HttpHeaders.AUTHORIZATION)));
            UserInfo identity;
            if (user.isPresent()) {
                identity = user.get();
            } else if (isAnonymousPath(path) && headers.getFirst(HttpHeaders.AUTHORIZATION) == null) {
                identity = ANONYMOUS;
            } else {
                throw StatusErrors.unauthorized();
            }
            RequestInfo info = RequestInfo.parse(request.getMethod().name(), path,
                    request.getQueryParams().getFirst("watch"));
            if (identity != ANONYMOUS) {
                authorizer.authorize(identity, info);
            }
            exchange.getAttributes().put(USER_ATTRIBUTE, identity);
            ServerHttpRequest forwarded = request.mutate()
                    .headers(h -> rewrite(h, identity == ANONYMOUS ? null : identity))
                    .build();
            return chain.filter(exchange.mutate().request(forwarded).build());
        } catch (ApiException e) {
            return Errors.write(exchange, e);
        }
    }

    static boolean isAnonymousPath(String path) {
        for (String p : ANONYMOUS_PATHS) {
            if (path.equals(p) || path.startsWith(p + "/")) {
                return true;
            }
        }
        return false;
    }

    static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return value.substring(7).trim();
        }
        return null;
    }

    /** Removes every client-sent identity header and the credential, then adds the verified identity. */
    static void rewrite(HttpHeaders h, UserInfo user) {
        List<String> names = h.headerNames().stream()
                .filter(n -> n.toLowerCase(Locale.ROOT).startsWith("x-remote-"))
                .toList();
        names.forEach(h::remove);
        h.remove(HttpHeaders.AUTHORIZATION);
        if (user == null) {
            return;
        }
        h.set(UserInfo.HEADER_USER, user.name());
        if (!user.uid().isEmpty()) {
            h.set(UserInfo.HEADER_UID, user.uid());
        }
        for (String group : user.groups()) {
            h.add(UserInfo.HEADER_GROUP, group);
        }
        for (Map.Entry<String, List<String>> e : user.extra().entrySet()) {
            h.put(UserInfo.HEADER_EXTRA_PREFIX + e.getKey(), e.getValue());
        }
    }
}
