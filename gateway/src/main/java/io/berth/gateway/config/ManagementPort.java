package io.berth.gateway.config;

import org.springframework.web.server.ServerWebExchange;

import java.net.InetSocketAddress;

/**
 * Tells requests to the Actuator port apart from API requests. Spring Boot applies the application's
 * {@code WebFilter}s to the management server's child context as well, so the front-door filters (audit,
 * authentication, limits, authorization) let requests on this port through untouched: the port is bound to
 * 127.0.0.1 and serves only health, info and metrics. Immutable.
 */
public final class ManagementPort {

    private final int port;

    /** @param port the configured {@code management.server.port}; 0 or negative when Actuator shares the API port */
    public ManagementPort(int port) {
        this.port = port;
    }

    /** True for a request that arrived on the separate management port. */
    public boolean matches(ServerWebExchange exchange) {
        if (port <= 0) {
            return false;
        }
        InetSocketAddress local = exchange.getRequest().getLocalAddress();
        return local != null && local.getPort() == port;
    }

    /** For tests: a port no request arrives on. */
    public static ManagementPort none() {
        return new ManagementPort(-1);
    }
}
