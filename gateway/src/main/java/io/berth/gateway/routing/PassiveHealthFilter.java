package io.berth.gateway.routing;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;

import java.net.ConnectException;
import java.net.URI;

/**
 * Ejects a replica from the rotation when connecting to it fails, so the next requests (and the retry of a GET) go
 * to the others straight away. Runs right after the load balancer picked the replica.
 */
public final class PassiveHealthFilter implements GlobalFilter, Ordered {

    private final ApiServerInstances instances;

    public PassiveHealthFilter(ApiServerInstances instances) {
        this.instances = instances;
    }

    @Override
    public int getOrder() {
        return ReactiveLoadBalancerClientFilter.LOAD_BALANCER_CLIENT_FILTER_ORDER + 1;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        return chain.filter(exchange).doOnError(error -> {
            if (isConnectFailure(error)) {
                URI uri = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
                instances.eject(uri);
            }
        });
    }

    static boolean isConnectFailure(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof ConnectException || e instanceof AbortedException) {
                return true;
            }
        }
        return false;
    }
}
