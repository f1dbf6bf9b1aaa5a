package io.berth.gateway.limits;

import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.json.Json;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Kubernetes' answer to a request that flow control turned away: 429 TooManyRequests with Retry-After. */
final class TooManyRequests {

    static final String MESSAGE = "Too many requests, please try again later.";

    private TooManyRequests() {
    }

    static Status status(long retryAfterSeconds) {
        return StatusErrors.status(429, "TooManyRequests", MESSAGE,
                new StatusDetailsBuilder().withRetryAfterSeconds((int) retryAfterSeconds).build());
    }

    static Mono<Void> write(ServerWebExchange exchange, long retryAfterSeconds) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.TOO_MANY_REQUESTS);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
        return response.writeWith(Mono.just(response.bufferFactory().wrap(Json.write(status(retryAfterSeconds)))));
    }

    /** Whole seconds to wait, rounded up, at least 1 (Retry-After cannot say less). */
    static long seconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }
}
