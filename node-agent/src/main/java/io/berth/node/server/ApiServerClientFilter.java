package io.berth.node.server;

import io.berth.apimachinery.errors.StatusErrors;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.SslInfo;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Only the api-service may call the node agent's endpoint. The TLS handshake already requires a client certificate
 * from the cluster CA ({@code server.ssl.client-auth: need}); this filter further requires its common name to be
 * exactly {@value #API_SERVER_CLIENT}, so no other certificate the CA issues (today or later) opens a shell in a
 * tenant's container. A request without a client certificate is 401, one with another name 403, both as Status.
 *
 * <p>Requests on the separate management port (Actuator, plain HTTP on 127.0.0.1) pass: Spring Boot applies the
 * application's WebFilters to that server as well. Stateless and thread safe.
 */
public final class ApiServerClientFilter implements WebFilter, Ordered {

    /** The common name of {@code apiserver-kubelet-client.crt}. */
    public static final String API_SERVER_CLIENT = "system:berth-apiserver-kubelet-client";

    private final int managementPort;

    /** @param managementPort {@code management.server.port}; 0 or negative when Actuator shares the API port */
    public ApiServerClientFilter(int managementPort) {
        this.managementPort = managementPort;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        InetSocketAddress local = exchange.getRequest().getLocalAddress();
        if (managementPort > 0 && local != null && local.getPort() == managementPort) {
            return chain.filter(exchange);
        }
        SslInfo ssl = exchange.getRequest().getSslInfo();
        X509Certificate[] peer = ssl == null ? null : ssl.getPeerCertificates();
        if (peer == null || peer.length == 0) {
            return Statuses.write(exchange.getResponse(), StatusErrors.unauthorized());
        }
        List<String> names = commonNames(peer[0].getSubjectX500Principal());
        if (!names.equals(List.of(API_SERVER_CLIENT))) {
            return Statuses.write(exchange.getResponse(), StatusErrors.forbidden("client certificate "
                    + peer[0].getSubjectX500Principal().getName() + " may not call the node agent: only "
                    + API_SERVER_CLIENT + " (the api-service) may"));
        }
        return chain.filter(exchange);
    }

    /** Every CN of the subject; a subject with two is refused rather than guessed at. */
    static List<String> commonNames(X500Principal subject) {
        try {
            return new LdapName(subject.getName(X500Principal.RFC2253)).getRdns().stream()
                    .filter(rdn -> rdn.getType().equalsIgnoreCase("CN"))
                    .map(Rdn::getValue).map(String::valueOf).toList();
        } catch (InvalidNameException e) {
            return List.of();
        }
    }
}
