package io.berth.gateway.authn;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.request.RequestInfo;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Authentication, the first step of the gateway's pipeline: turns the bearer token into a user with the configured
 * {@link TokenAuthenticator}s (static token file, ServiceAccount and node-credential JWTs, bootstrap tokens; the
 * first that recognises the token decides) and records the user and the request's Kubernetes attributes as
 * exchange attributes for the filters after it (limits, audit, authorization). No token, or a token no
 * authenticator accepts → 401; anonymous requests are allowed only on the health and version paths, as Kubernetes'
 * {@code system:public-info-viewer} allows. A {@code WebFilter} rather than a gateway filter, so the endpoints the
 * gateway answers itself (access reviews, the audit query) are authenticated too.
 */
public final class AuthenticationFilter implements WebFilter, Ordered {

    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;
    /** {@link UserInfo}: the authenticated user. */
    public static final String USER_ATTRIBUTE = "berth.user";
    /** {@link RequestInfo}: the request's Kubernetes attributes. */
    public static final String REQUEST_ATTRIBUTE = "berth.request";
    public static final UserInfo ANONYMOUS = UserInfo.of("system:anonymous", "", List.of("system:unauthenticated"));

    private static final Set<String> ANONYMOUS_PATHS = Set.of("/healthz", "/livez", "/readyz", "/version");

    private final List<TokenAuthenticator> authenticators;

    public AuthenticationFilter(List<TokenAuthenticator> authenticators) {
        this.authenticators = List.copyOf(authenticators);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        HttpHeaders headers = request.getHeaders();
        String path = request.getPath().value();
        RequestInfo info = RequestInfo.parse(request.getMethod().name(), path,
                request.getQueryParams().getFirst("watch"));
        exchange.getAttributes().put(REQUEST_ATTRIBUTE, info);
        try {
            if (headers.headerNames().stream().anyMatch(h -> h.toLowerCase(Locale.ROOT).startsWith("impersonate-"))) {
                throw StatusErrors.forbidden("impersonation is not supported by this gateway yet");
            }
            String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
            UserInfo user;
            if (authorization == null && isAnonymousPath(path)) {
                user = ANONYMOUS;
            } else {
                user = authenticate(bearer(authorization)).orElseThrow(StatusErrors::unauthorized);
            }
            exchange.getAttributes().put(USER_ATTRIBUTE, user);
        } catch (ApiException e) {
            return Errors.write(exchange, e);
        }
        return chain.filter(exchange);
    }

    private Optional<UserInfo> authenticate(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        for (TokenAuthenticator a : authenticators) {
            Optional<UserInfo> user = a.authenticate(token);
            if (user.isPresent()) {
                return user;
            }
        }
        return Optional.empty();
    }

    public static boolean isAnonymousPath(String path) {
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
}
