package io.berth.node.server;

import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** Errors of the logs/exec endpoint as Kubernetes {@code Status} bodies, which the api-service passes on. */
final class Statuses {

    private static final Logger log = LoggerFactory.getLogger(Statuses.class);

    private Statuses() {
    }

    /** The answer for a failed request: its Status, or 500 InternalError for anything unexpected (logged). */
    static Mono<ServerResponse> respond(Throwable error) {
        ApiException e = toApiException(error);
        return ServerResponse.status(e.code()).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Json.write(e.status()));
    }

    /** Writes {@code e}'s Status straight to a response, for filters that answer before any handler. */
    static Mono<Void> write(ServerHttpResponse response, ApiException e) {
        response.setStatusCode(HttpStatusCode.valueOf(e.code()));
        response.getHeaders().set(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(Json.write(e.status()))));
    }

    static ApiException toApiException(Throwable error) {
        if (error instanceof ApiException api) {
            return api;
        }
        log.error("unexpected error serving a logs or exec request", error);
        return StatusErrors.internal(error.getClass().getSimpleName() + ": " + error.getMessage());
    }

    static ApiException podNotFound(String pod) {
        return StatusErrors.error(404, "NotFound", "pod \"" + pod + "\" does not exist on this node");
    }

    static ApiException containerNotFound(String container, String pod) {
        return StatusErrors.error(404, "NotFound", "container \"" + container + "\" not found in pod \"" + pod
                + "\"");
    }
}
