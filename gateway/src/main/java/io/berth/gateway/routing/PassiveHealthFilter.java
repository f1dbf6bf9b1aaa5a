package io.berth.gateway.routing;

import io.berth.gateway.routing.ApiServerInstances.Choice;
import io.berth.gateway.routing.ApiServerInstances.Replica;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.client.PrematureCloseException;

import java.net.ConnectException;
import java.net.URI;
import java.util.concurrent.TimeoutException;

/**
 * Reports the outcome of every proxied call to the chosen replica's circuit breaker: refused or failed
 * connections, premature closes, time-outs and 502-504 answers count against it, any other answer for it. The
 * outcome is known when the replica's response headers arrive (the body, a watch's included, is streamed after this
 * filter completes), so a long watch does not hold a half-open trial; a WebSocket session, which this filter sees
 * end only when it closes, reports only a failure to connect. A call cancelled by its client reports nothing and
 * gives its permission back. Runs right after the load balancer picked the replica, on every attempt.
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
        Choice choice = choice(exchange);
        if (choice == null) {
            return chain.filter(exchange);
        }
        Replica replica = choice.replica();
        long start = System.nanoTime();
        if (isWebSocket(exchange)) {
            // the chain ends with the session, maybe hours later: a half-open trial must not wait for it, so only
            // a failure to connect is recorded
            replica.abandoned(choice.permitted());
            return chain.filter(exchange).doOnError(error -> {
                if (isReplicaFailure(error)) {
                    instances.failed(replica, System.nanoTime() - start, error);
                }
            });
        }
        return chain.filter(exchange)
                .doOnSuccess(done -> {
                    HttpStatusCode status = exchange.getResponse().getStatusCode();
                    if (status != null && isFailureStatus(status.value())) {
                        instances.failed(replica, System.nanoTime() - start, new UpstreamStatus(status.value()));
                    } else {
                        replica.succeeded(System.nanoTime() - start);
                    }
                })
                .doOnError(error -> {
                    if (isReplicaFailure(error)) {
                        instances.failed(replica, System.nanoTime() - start, error);
                    } else {
                        replica.abandoned(choice.permitted());
                    }
                })
                .doOnCancel(() -> replica.abandoned(choice.permitted()));
    }

    private Choice choice(ServerWebExchange exchange) {
        Object response = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR);
        if (response instanceof Choice choice) {
            return choice;
        }
        URI url = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
        return instances.replica(url).map(r -> new Choice(r, false)).orElse(null);
    }

    private static boolean isWebSocket(ServerWebExchange exchange) {
        return "websocket".equalsIgnoreCase(exchange.getRequest().getHeaders().getUpgrade());
    }

    static boolean isFailureStatus(int code) {
        return code == 502 || code == 503 || code == 504;
    }

    /** The replica could not be reached or dropped the connection before answering: worth another replica. */
    static boolean isUnreachable(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof ConnectException || e instanceof PrematureCloseException
                    || e instanceof AbortedException) {
                return true;
            }
        }
        return false;
    }

    static boolean isReplicaFailure(Throwable error) {
        if (isUnreachable(error)) {
            return true;
        }
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** A 502-504 answer, as the breaker records it. */
    static final class UpstreamStatus extends RuntimeException {
        UpstreamStatus(int code) {
            super("the replica answered " + code, null, false, false);
        }
    }
}
