package io.berth.gateway.routing;

import org.reactivestreams.Publisher;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sends a watch's or a followed log's ({@code pods/{name}/log?follow=true}) response headers to the client as soon as
 * the api-service sends them. The proxy otherwise commits the headers with the first chunk of body, and a watch may
 * wait minutes for its first event, a quiet container for its next line, while the client (client-go, the JDK
 * client) blocks waiting for the headers. An empty flush before the proxied body commits them; it adds no bytes to
 * the stream.
 */
public final class WatchHeadersFilter implements GlobalFilter, Ordered {

    @Override
    public int getOrder() {
        return NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 1;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        if (!isWatch(exchange)) {
            return chain.filter(exchange);
        }
        ServerHttpResponse response = exchange.getResponse();
        ServerHttpResponseDecorator flushing = new ServerHttpResponseDecorator(response) {
            @Override
            public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
                Flux<Publisher<? extends DataBuffer>> first = Flux.just(Mono.just(bufferFactory().allocateBuffer(0)));
                return super.writeAndFlushWith(Flux.concat(first, Flux.from(body)));
            }
        };
        return chain.filter(exchange.mutate().response(flushing).build());
    }

    static boolean isWatch(ServerWebExchange exchange) {
        String watch = exchange.getRequest().getQueryParams().getFirst("watch");
        return "true".equals(watch) || "1".equals(watch) || exchange.getRequest().getPath().value().contains("/watch/")
                || isFollowedLog(exchange);
    }

    /** A log read with {@code follow} (Kubernetes reads any value but {@code 0} and {@code false} as true). */
    static boolean isFollowedLog(ServerWebExchange exchange) {
        if (!exchange.getRequest().getQueryParams().containsKey("follow")) {
            return false;
        }
        String follow = exchange.getRequest().getQueryParams().getFirst("follow");
        return (follow == null || !(follow.equals("0") || follow.equalsIgnoreCase("false")))
                && exchange.getRequest().getPath().value().endsWith("/log");
    }
}
