package io.berth.apiserver.rest;

import io.berth.apimachinery.request.RequestInfo;
import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apiserver.watch.CacheWatcher;
import io.berth.apiserver.watch.Frames;
import io.berth.apiserver.watch.WatchCache;
import io.berth.apiserver.watch.WatchEvent;
import io.fabric8.kubernetes.api.model.ListMeta;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Watches, served from the watch cache over chunked HTTP (one JSON event per line, flushed as it happens) or over a
 * WebSocket (one event per text frame), the two ways Kubernetes clients watch. A watch from a resourceVersion older
 * than the cache's history answers with an ERROR event carrying 410 Expired, as kube-apiserver does.
 */
final class Watches {


    private final ApiContext ctx;
    private final WebSocketService webSockets = new HandshakeWebSocketService();

    Watches(ApiContext ctx) {
        this.ctx = ctx;
    }

    Mono<ServerResponse> watch(ServerRequest request, RequestInfo info, ResourceType type, OutputFormat format) {
        ListOptions options = ListOptions.from(request, type, info.namespace());
        WatchCache cache = ctx.caches().get(type);
        String rv = options.resourceVersion();
        boolean initialEvents = rv == null || rv.isEmpty() || rv.equals("0") || options.sendInitialEvents();
        Mono<Long> fresh;
        if (rv == null || rv.isEmpty()) {
            // "Get state and start at most recent": the cache must have caught up with etcd first
            fresh = Async.mono(() -> ctx.store().currentRevision())
                    .flatMap(current -> Async.mono(() -> cache.waitUntilFresh(current,
                            ctx.props().resourceVersionWait())));
        } else {
            long wanted = options.resourceVersionNumber();
            fresh = Async.mono(() -> cache.waitUntilFresh(wanted, ctx.props().resourceVersionWait()));
        }
        String nameFilter = info.name();
        return fresh.flatMap(ignored -> {
            Flux<WatchEvent> events;
            try {
                CacheWatcher watcher = cache.watch(options.filter(),
                        initialEvents ? -1 : options.resourceVersionNumber(), options.allowWatchBookmarks(),
                        options.sendInitialEvents());
                events = watcher.events().doOnCancel(watcher::close);
            } catch (ApiException e) {
                if (e.code() == 410) {
                    events = Flux.just(new WatchEvent("ERROR", null, 0, () -> Json.write(e.status())));
                } else {
                    return Mono.error(e);
                }
            }
            if (!nameFilter.isEmpty()) {
                events = events.filter(e -> e.object() == null || e.type().equals("BOOKMARK")
                        || nameFilter.equals(e.object().getMetadata().getName()));
            }
            events = events.take(timeout(options));
            Flux<byte[]> frames = frames(events, type, format, Tables.include(request));
            if (isWebSocket(request)) {
                return webSocket(request, frames);
            }
            // an empty first write flushes the headers at once, as kube-apiserver does: clients wait for them
            Flux<byte[]> stream = Flux.concat(Mono.just(new byte[0]), frames);
            return ServerResponse.ok()
                    .header(HttpHeaders.CONTENT_TYPE, "application/json")
                    .header("Cache-Control", "no-cache, private")
                    .body((message, context) -> message.writeAndFlushWith(
                            stream.map(bytes -> Mono.just(wrap(message.bufferFactory(), bytes)))));
        });
    }

    private Duration timeout(ListOptions options) {
        if (options.timeoutSeconds() != null && options.timeoutSeconds() > 0) {
            return Duration.ofSeconds(options.timeoutSeconds());
        }
        long min = ctx.props().minRequestTimeout().toMillis();
        return Duration.ofMillis(min + ThreadLocalRandom.current().nextLong(Math.max(1, min)));
    }

    private static Flux<byte[]> frames(Flux<WatchEvent> events, ResourceType type, OutputFormat format,
                                       Tables.Include include) {
        if (format == OutputFormat.TABLE) {
            boolean[] first = {true};
            return events.map(e -> {
                if (e.type().equals("ERROR") || e.type().equals("BOOKMARK")) {
                    return e.frame().get();
                }
                ListMeta meta = new ListMeta();
                meta.setResourceVersion(Long.toString(e.revision()));
                ObjectNode table = Tables.table(type, List.of(e.object()), meta, include, first[0], Instant.now());
                first[0] = false;
                return Frames.encode(e.type(), Json.write(table));
            });
        }
        if (format == OutputFormat.PARTIAL_METADATA) {
            return events.map(e -> e.object() == null ? e.frame().get()
                    : Frames.encode(e.type(), Json.write(Responses.partial(e.object()))));
        }
        return events.map(e -> e.frame().get());
    }

    /** One event line, shared between watchers without a copy (an empty array is the header flush). */
    private static DataBuffer wrap(DataBufferFactory factory, byte[] bytes) {
        return factory.wrap(bytes);
    }

    static boolean isWebSocket(ServerRequest request) {
        String upgrade = request.headers().firstHeader(HttpHeaders.UPGRADE);
        return upgrade != null && upgrade.equalsIgnoreCase("websocket");
    }

    private Mono<ServerResponse> webSocket(ServerRequest request, Flux<byte[]> frames) {
        WebSocketHandler handler = session -> {
            Mono<Void> send = session.send(frames.map(bytes ->
                    session.textMessage(new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8))));
            Mono<Void> receive = session.receive().then();
            return Mono.firstWithSignal(send, receive).then(session.close());
        };
        return ServerResponse.ok().build((exchange, context) -> webSockets.handleRequest(exchange, handler));
    }
}
