package io.berth.gateway.routing;

import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.json.Json;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.net.ConnectException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The api-service route's retry, with a Resilience4j {@link Retry}: a GET or HEAD whose replica could not be
 * reached, or closed the connection before answering, is sent again at once to the next replica (the load balancer
 * skips those already tried) until every replica had its turn. Other methods are never retried: the first attempt
 * may have been applied. A request that no replica answered gets 503 ServiceUnavailable as a Kubernetes Status with
 * Retry-After, instead of a bare 500.
 */
public final class ReplicaRetryFilter implements GatewayFilter {

    private final Retry retry;

    public ReplicaRetryFilter(Retry retry) {
        this.retry = retry;
    }

    /** One attempt per replica, and one more (a single replica may have dropped an idle pooled connection). */
    public static RetryConfig retryConfig(int replicas) {
        return RetryConfig.custom()
                .maxAttempts(replicas + 1)
                .waitDuration(Duration.ZERO)
                .retryOnException(PassiveHealthFilter::isUnreachable)
                .failAfterMaxAttempts(false)
                .writableStackTraceEnabled(false)
                .build();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Mono<Void> attempts = isIdempotent(exchange.getRequest().getMethod())
                ? retried(exchange, chain) : chain.filter(exchange);
        return attempts.onErrorResume(
                error -> PassiveHealthFilter.isUnreachable(error) && !exchange.getResponse().isCommitted(),
                error -> unavailable(exchange, error));
    }

    private Mono<Void> retried(ServerWebExchange exchange, GatewayFilterChain chain) {
        Set<String> tried = ConcurrentHashMap.newKeySet();
        exchange.getAttributes().put(ApiServerLoadBalancer.TRIED_ATTRIBUTE, tried);
        AtomicInteger attempt = new AtomicInteger();
        return Mono.defer(() -> {
                    if (attempt.getAndIncrement() > 0) {
                        ServerWebExchangeUtils.reset(exchange);
                    }
                    return chain.filter(exchange);
                })
                // an answer already on its way to the client cannot be taken back
                .onErrorMap(error -> exchange.getResponse().isCommitted(), NotRetried::new)
                .transformDeferred(RetryOperator.of(retry))
                .onErrorMap(NotRetried.class, Throwable::getCause);
    }

    static boolean isIdempotent(HttpMethod method) {
        return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);
    }

    static Status unavailableStatus(Throwable error) {
        String why = isConnectFailure(error) ? "connection failed" : "connection closed before the answer";
        return StatusErrors.status(503, "ServiceUnavailable", "error trying to reach the api-service: " + why,
                new StatusDetailsBuilder().withRetryAfterSeconds(1).build());
    }

    private static Mono<Void> unavailable(ServerWebExchange exchange, Throwable error) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
        return response.writeWith(Mono.just(response.bufferFactory().wrap(Json.write(unavailableStatus(error)))));
    }

    private static boolean isConnectFailure(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    /** Wraps a failure that must not be retried; unwrapped again after the retry operator. */
    private static final class NotRetried extends RuntimeException {
        NotRetried(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }
}
