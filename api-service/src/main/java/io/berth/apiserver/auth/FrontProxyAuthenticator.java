package io.berth.apiserver.auth;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.SslInfo;
import org.springframework.web.reactive.function.server.HandlerFilterFunction;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import javax.security.auth.x500.X500Principal;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes' front-proxy (request-header) authentication: the api-service believes the {@code X-Remote-*} identity
 * headers only on a connection whose client certificate was signed by the front-proxy CA (the TLS layer checks the
 * chain) and whose common name is allowed. Anything else is 401, except the anonymous health and version paths.
 * A connection with the certificate but no {@code X-Remote-User} is the gateway itself (its informers).
 */
public final class FrontProxyAuthenticator implements HandlerFilterFunction<ServerResponse, ServerResponse> {

    public static final String USER_ATTRIBUTE = "berth.user";
    private static final Logger log = LoggerFactory.getLogger(FrontProxyAuthenticator.class);
    private static final Set<String> ANONYMOUS_PATHS = Set.of("/healthz", "/livez", "/readyz", "/version");

    private final Set<String> allowedNames;

    public FrontProxyAuthenticator(List<String> allowedNames) {
        this.allowedNames = Set.copyOf(allowedNames);
    }

    /**
     * Runs in front of the API's router only (not the Actuator port): a request without a trusted certificate ends
     * here with 401, a trusted one carries its {@link UserInfo} as the {@value #USER_ATTRIBUTE} attribute.
     */
    @Override
    public Mono<ServerResponse> filter(ServerRequest request, HandlerFunction<ServerResponse> next) {
        ServerWebExchange exchange = request.exchange();
        String commonName = trustedCommonName(exchange.getRequest().getSslInfo());
        if (commonName == null) {
            if (isAnonymousPath(exchange.getRequest().getPath().value())) {
                return next.handle(request);
            }
            return ServerResponse.status(HttpStatus.UNAUTHORIZED).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Json.write(StatusErrors.unauthorized().status()));
        }
        exchange.getAttributes().put(USER_ATTRIBUTE, userFrom(exchange.getRequest().getHeaders(), commonName));
        return next.handle(request);
    }

    static boolean isAnonymousPath(String path) {
        for (String p : ANONYMOUS_PATHS) {
            if (path.equals(p) || path.startsWith(p + "/")) {
                return true;
            }
        }
        return false;
    }

    private String trustedCommonName(SslInfo ssl) {
        if (ssl == null || ssl.getPeerCertificates() == null || ssl.getPeerCertificates().length == 0) {
            return null;
        }
        X509Certificate cert = ssl.getPeerCertificates()[0];
        String cn = commonName(cert.getSubjectX500Principal());
        if (cn == null || !allowedNames.contains(cn)) {
            log.warn("refused a client certificate with common name {} (allowed: {})", cn, allowedNames);
            return null;
        }
        return cn;
    }

    static String commonName(X500Principal principal) {
        for (String part : principal.getName(X500Principal.RFC2253).split(",")) {
            String p = part.trim();
            if (p.startsWith("CN=")) {
                return p.substring(3);
            }
        }
        return null;
    }

    static UserInfo userFrom(HttpHeaders headers, String commonName) {
        String user = headers.getFirst(UserInfo.HEADER_USER);
        if (user == null || user.isEmpty()) {
            return UserInfo.of(commonName, "", List.of("system:authenticated"));
        }
        List<String> groups = new ArrayList<>();
        for (String value : headers.getOrEmpty(UserInfo.HEADER_GROUP)) {
            groups.addAll(Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
        }
        Map<String, List<String>> extra = new HashMap<>();
        headers.forEach((name, values) -> {
            if (name.regionMatches(true, 0, UserInfo.HEADER_EXTRA_PREFIX, 0, UserInfo.HEADER_EXTRA_PREFIX.length())) {
                extra.put(java.net.URLDecoder.decode(name.substring(UserInfo.HEADER_EXTRA_PREFIX.length()),
                        java.nio.charset.StandardCharsets.UTF_8).toLowerCase(), List.copyOf(values));
            }
        });
        String uid = headers.getFirst(UserInfo.HEADER_UID);
        return new UserInfo(user, uid == null ? "" : uid, groups, extra);
    }
}
