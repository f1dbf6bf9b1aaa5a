package io.berth.gateway.authn;

import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.json.Json;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Writes a Kubernetes Status as the gateway's own answer. */
public final class Errors {

    private Errors() {
    }

    public static Mono<Void> write(ServerWebExchange exchange, ApiException e) {
        var response = exchange.getResponse();
        response.setStatusCode(HttpStatusCode.valueOf(e.code()));
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        DataBuffer body = response.bufferFactory().wrap(Json.write(e.status()));
        return response.writeWith(Mono.just(body));
    }
}
