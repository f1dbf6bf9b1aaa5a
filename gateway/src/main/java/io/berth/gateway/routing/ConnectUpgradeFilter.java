package io.berth.gateway.routing;

import io.berth.apimachinery.request.RequestInfo;
import io.berth.apimachinery.streaming.RemoteCommand;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Proxies the WebSocket of {@code pods/exec}, {@code pods/attach} and {@code pods/portforward} the way Kubernetes'
 * upgrade-aware proxy does: the api-service's handshake first, the client's after. Spring Cloud Gateway's own
 * WebSocket routing upgrades the client first, so when the api-service refuses (the container is still being
 * created, a typo in its name, ...) the client only sees the socket close with 1002 "protocol error". Here the client
 * gets the api-service's refusal as it was sent (status and Status body), and kubectl, whose WebSocket was refused,
 * retries with SPDY and prints the reason the api-service gives that request.
 *
 * <p>Once both handshakes are done, every frame goes through byte for byte both ways, then the api-service's close
 * status to the client; a client that goes away closes the api-service's side. The handshake runs on whatever replica
 * the load balancer chose, so an unreachable one is retried like any GET. Thread safe.
 */
public final class ConnectUpgradeFilter implements GlobalFilter, Ordered {

    /** Just before Spring Cloud Gateway's WebSocket routing filter ({@code LOWEST_PRECEDENCE - 1}). */
    public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 2;
    private static final Set<String> CONNECT_SUBRESOURCES = Set.of("exec", "attach", "portforward");
    /** Headers of the client's handshake that belong to that hop (Reactor Netty writes the upstream's own). */
    private static final Set<String> HOP_HEADERS = Set.of("host", "connection", "upgrade", "keep-alive",
            "content-length", "transfer-encoding", "sec-websocket-key", "sec-websocket-version",
            "sec-websocket-extensions", "sec-websocket-protocol", "sec-websocket-accept");
    private static final int MAX_FRAME = 1024 * 1024;
    private static final String AGGREGATOR = "berth-connect-handshake";
    private static final String CAPTURE = "berth-connect-refusal";
    private static final int MAX_REFUSAL = 64 * 1024;

    private final HttpClient http;
    private final WebSocketService webSockets = new HandshakeWebSocketService();

    /** @param http the client the gateway routes with (mutual TLS towards the api-service) */
    public ConnectUpgradeFilter(HttpClient http) {
        this.http = http;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        URI url = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
        boolean routable = url != null && ("http".equals(url.getScheme()) || "https".equals(url.getScheme()));
        if (!routable || !isConnectUpgrade(exchange.getRequest()) || ServerWebExchangeUtils.isAlreadyRouted(exchange)) {
            return chain.filter(exchange);
        }
        ServerWebExchangeUtils.setAlreadyRouted(exchange);
        URI upstream = UriComponentsBuilder.fromUri(url).scheme("https".equals(url.getScheme()) ? "wss" : "ws")
                .build(ServerWebExchangeUtils.containsEncodedParts(url)).toUri();
        List<String> offered = RemoteCommand.offeredProtocols(
                exchange.getRequest().getHeaders().get("Sec-WebSocket-Protocol"));
        WebsocketClientSpec spec = WebsocketClientSpec.builder()
                .protocols(offered.isEmpty() ? null : String.join(",", offered))
                .maxFramePayloadLength(MAX_FRAME).build();
        HttpHeaders forwarded = exchange.getRequest().getHeaders();
        // Reactor Netty hands a refused handshake's status and headers on, not its body (the api-service's Status):
        // the answer is aggregated and its body kept here (Netty removes the aggregator once the handshake succeeds)
        AtomicReference<byte[]> refusal = new AtomicReference<>(new byte[0]);
        return http.doOnRequest((request, connection) -> connection
                        .addHandlerLast(AGGREGATOR, new HttpObjectAggregator(MAX_REFUSAL))
                        .addHandlerLast(CAPTURE, new RefusalCapture(refusal)))
                .headers(h -> forwarded.forEach((name, values) -> {
                    if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                        h.set(name, values);
                    }
                }))
                .websocket(spec).uri(upstream).connect()
                .flatMap(connection -> upgrade(exchange, connection))
                .onErrorResume(WebSocketClientHandshakeException.class, e -> refused(exchange, e, refusal.get()));
    }

    /** A WebSocket handshake (GET with {@code Upgrade: websocket}) to a pod's connect subresource. */
    static boolean isConnectUpgrade(ServerHttpRequest request) {
        if (!"websocket".equalsIgnoreCase(request.getHeaders().getUpgrade())) {
            return false;
        }
        RequestInfo info = RequestInfo.parse(request.getMethod().name(), request.getPath().value(), null);
        return info.resourceRequest() && info.group().isEmpty() && "pods".equals(info.resource())
                && CONNECT_SUBRESOURCES.contains(info.subresource());
    }

    private Mono<Void> upgrade(ServerWebExchange exchange, Connection connection) {
        WebsocketInbound in = (WebsocketInbound) connection;
        WebsocketOutbound out = (WebsocketOutbound) connection;
        String protocol = in.selectedSubprotocol();
        WebSocketHandler handler = new WebSocketHandler() {
            @Override
            public List<String> getSubProtocols() {
                return protocol == null ? List.of() : List.of(protocol);
            }

            @Override
            public Mono<Void> handle(WebSocketSession session) {
                return proxy(in, out, session).doFinally(signal -> connection.dispose());
            }
        };
        return webSockets.handleRequest(exchange, handler).doOnError(e -> connection.dispose());
    }

    /** The api-service refused the handshake: its answer goes to the client, which was not upgraded. */
    private static Mono<Void> refused(ServerWebExchange exchange, WebSocketClientHandshakeException e, byte[] body) {
        if (e.response() == null) {
            return Mono.error(e);
        }
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatusCode.valueOf(e.response().status().code()));
        String contentType = e.response().headers().get(HttpHeaders.CONTENT_TYPE);
        if (contentType != null) {
            response.getHeaders().set(HttpHeaders.CONTENT_TYPE, contentType);
        }
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    /** Keeps the body of a handshake answer that is not 101 Switching Protocols. */
    private static final class RefusalCapture extends ChannelInboundHandlerAdapter {
        private final AtomicReference<byte[]> body;

        RefusalCapture(AtomicReference<byte[]> body) {
            this.body = body;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpResponse response && response.status().code() != 101) {
                body.set(ByteBufUtil.getBytes(response.content()));
            }
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * Both directions until both sides closed. The client's inbound is published so that the upstream's end, which
     * cancels the send towards it, does not cancel the client's inbound: Reactor Netty would then close the client's
     * socket at once, before the upstream's last frames and close status reach it.
     */
    private static Mono<Void> proxy(WebsocketInbound in, WebsocketOutbound out, WebSocketSession client) {
        Mono<Void> toUpstream = out.sendObject(client.receive().publish().autoConnect()
                        .filter(m -> m.getType() == WebSocketMessage.Type.BINARY
                                || m.getType() == WebSocketMessage.Type.TEXT)
                        .map(ConnectUpgradeFilter::toFrame))
                .then()
                .onErrorResume(e -> Mono.empty())
                .then(Mono.defer(() -> out.sendClose().onErrorResume(e -> Mono.empty())));
        Mono<CloseStatus> upstreamClosed = in.receiveCloseStatus()
                .map(s -> new CloseStatus(s.code(), s.reasonText()))
                .defaultIfEmpty(CloseStatus.SERVER_ERROR);
        Mono<Void> toClient = client.send(in.aggregateFrames(MAX_FRAME).receiveFrames()
                        .filter(f -> f instanceof BinaryWebSocketFrame || f instanceof TextWebSocketFrame)
                        .map(f -> toMessage(client, f)))
                .onErrorResume(e -> Mono.empty())
                .then(Mono.defer(() -> upstreamClosed.timeout(Duration.ofSeconds(1), Mono.just(CloseStatus.NORMAL))))
                .flatMap(status -> client.close(status).onErrorResume(e -> Mono.empty()));
        return Mono.when(toUpstream, toClient);
    }

    private static WebSocketFrame toFrame(WebSocketMessage message) {
        DataBuffer payload = message.getPayload();
        byte[] bytes = new byte[payload.readableByteCount()];
        payload.read(bytes);
        return message.getType() == WebSocketMessage.Type.TEXT
                ? new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes))
                : new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes));
    }

    private static WebSocketMessage toMessage(WebSocketSession client, WebSocketFrame frame) {
        byte[] bytes = ByteBufUtil.getBytes(frame.content());
        return frame instanceof TextWebSocketFrame
                ? client.textMessage(new String(bytes, StandardCharsets.UTF_8))
                : client.binaryMessage(f -> f.wrap(bytes));
    }
}
