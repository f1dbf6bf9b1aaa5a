package io.berth.gateway.authn;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.request.RequestInfo;
import io.berth.gateway.config.ManagementPort;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;

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

    /** Live lookups at once at most; beyond, a token whose object is not cached is refused (401). */
    private static final int LIVE_LOOKUPS = 8;

    private final List<TokenAuthenticator> authenticators;
    private final List<TokenAuthenticator> live;
    private final ManagementPort management;
    private final Semaphore liveLookups = new Semaphore(LIVE_LOOKUPS);

    /** Authenticators that answer from memory only. */
    public AuthenticationFilter(List<TokenAuthenticator> authenticators, ManagementPort management) {
        this(authenticators, List.of(), management);
    }

    /**
     * @param authenticators answer from the informer caches, on the event loop; may throw {@link CacheMiss}
     * @param live           the same authenticators with lookups that may ask the api-service: used off the event
     *                       loop, only after a {@link CacheMiss} (an object created a moment ago)
     */
    public AuthenticationFilter(List<TokenAuthenticator> authenticators, List<TokenAuthenticator> live,
                                ManagementPort management) {
        this.authenticators = List.copyOf(authenticators);
        this.live = List.copyOf(live);
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
        ServerHttpRequest request = exchange.getRequest();
        HttpHeaders headers = request.getHeaders();
        String path = request.getPath().value();
        RequestInfo info = RequestInfo.parse(request.getMethod().name(), path,
                request.getQueryParams().getFirst("watch"));
        exchange.getAttributes().put(REQUEST_ATTRIBUTE, info);
        String token;
        try {
            String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
            if (authorization == null && isAnonymousPath(path)) {
                return proceed(exchange, chain, ANONYMOUS);
            }
            token = bearer(authorization);
            return proceed(exchange, chain, authenticate(authenticators, token).orElseThrow(StatusErrors::unauthorized));
        } catch (ApiException e) {
            return Errors.write(exchange, e);
        } catch (CacheMiss miss) {
            token = bearer(headers.getFirst(HttpHeaders.AUTHORIZATION));
        }
        if (live.isEmpty() || !liveLookups.tryAcquire()) {
            return Errors.write(exchange, StatusErrors.unauthorized());
        }
        String missed = token;
        return Mono.fromCallable(() -> authenticate(live, missed))
                .subscribeOn(Schedulers.boundedElastic())
                .doFinally(s -> liveLookups.release())
                .flatMap(user -> user.isPresent() ? proceed(exchange, chain, user.get())
                        : Errors.write(exchange, StatusErrors.unauthorized()))
                .onErrorResume(ApiException.class, e -> Errors.write(exchange, e))
                .onErrorResume(e -> !(e instanceof ApiException), e -> Errors.write(exchange,
                        StatusErrors.unauthorized()));
    }

    private static Mono<Void> proceed(ServerWebExchange exchange, WebFilterChain chain, UserInfo user) {
        exchange.getAttributes().put(USER_ATTRIBUTE, user);
        return chain.filter(exchange);
    }

    private static Optional<UserInfo> authenticate(List<TokenAuthenticator> authenticators, String token) {
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
