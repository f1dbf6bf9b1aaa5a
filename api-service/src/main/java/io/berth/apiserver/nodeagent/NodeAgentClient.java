package io.berth.apiserver.nodeagent;

import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.streaming.RemoteCommand;
import io.fabric8.kubernetes.api.model.Status;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;
import reactor.netty.resources.ConnectionProvider;

import javax.net.ssl.SSLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The api-service's client of the node agents' logs/exec endpoint (the kubelet API), over TLS that trusts the
 * cluster CA for the agent's serving certificate (host name checked) and presents {@code apiserver-kubelet-client}.
 * Connections are not pooled: each one carries one log stream or one exec session and is closed with it. Thread safe.
 */
public final class NodeAgentClient {

    public static final String CA_CERT = "ca.crt";
    public static final String CLIENT_CERT = "apiserver-kubelet-client.crt";
    public static final String CLIENT_KEY = "apiserver-kubelet-client.key";
    /** Larger than any frame the agent sends (32 KiB of output and the stream byte). */
    static final int MAX_FRAME = 1024 * 1024;
    private static final String AGGREGATOR = "berth-exec-handshake";
    private static final String CAPTURE = "berth-exec-refusal";
    private static final int MAX_REFUSAL = 64 * 1024;

    private static final Logger log = LoggerFactory.getLogger(NodeAgentClient.class);

    private final HttpClient http;
    private final Duration headerTimeout;

    NodeAgentClient(HttpClient http, Duration headerTimeout) {
        this.http = http;
        this.headerTimeout = headerTimeout;
    }

    /**
     * The client with the certificates in {@code pkiDir}; a missing file stops the api-service at start with a
     * message naming it, since logs and exec could never work without it.
     */
    public static NodeAgentClient fromPki(Path pkiDir, NodeAgentProperties props) {
        for (String file : new String[] {CA_CERT, CLIENT_CERT, CLIENT_KEY}) {
            if (!Files.isReadable(pkiDir.resolve(file))) {
                throw new IllegalStateException(pkiDir.resolve(file) + " is missing or unreadable: the api-service "
                        + "needs it to reach the node agents (bin/berth up, or bin/berth pki DIR, generates it)");
            }
        }
        try {
            SslContext ssl = SslContextBuilder.forClient()
                    .trustManager(pkiDir.resolve(CA_CERT).toFile())
                    .keyManager(pkiDir.resolve(CLIENT_CERT).toFile(), pkiDir.resolve(CLIENT_KEY).toFile())
                    .build();
            HttpClient http = HttpClient.create(ConnectionProvider.newConnection())
                    .secure(spec -> spec.sslContext(ssl))
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) props.connectTimeout().toMillis())
                    .followRedirect(false);
            return new NodeAgentClient(http, props.headerTimeout());
        } catch (SSLException e) {
            throw new IllegalStateException("cannot use the node agent client certificate in " + pkiDir + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * {@code GET} of a log URL: once the agent answered 200, its body as it arrives (cancel it to close the
     * connection). Any other answer fails with the agent's Status (its code, reason and message); an agent that
     * cannot be reached, or does not answer within the header timeout, fails with 500 InternalError.
     */
    public Mono<Flux<byte[]>> logs(URI uri) {
        return http.get().uri(uri)
                .responseConnection((response, connection) -> Mono.just(new Answer(response, connection)))
                .singleOrEmpty()
                .timeout(headerTimeout)
                .onErrorMap(e -> !(e instanceof ApiException), e -> unreachable("Get", uri, e))
                .flatMap(answer -> {
                    Connection connection = answer.connection();
                    if (answer.response().status().code() == 200) {
                        return Mono.just(connection.inbound().receive().asByteArray()
                                .doFinally(signal -> connection.dispose()));
                    }
                    return connection.inbound().receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
                            .doFinally(signal -> connection.dispose())
                            .flatMap(body -> Mono.error(refusal(answer.response().status().code(), body)));
                });
    }

    private record Answer(HttpClientResponse response, Connection connection) {
    }

    /**
     * Proxies an exec session between {@code client}, upgraded already, and the agent's WebSocket at {@code uri} in
     * {@code protocol}: every binary frame both ways byte for byte, then the agent's close status to the client.
     * When the agent cannot be reached or refuses, the client reads why as a Status on the error stream and the
     * session closes normally, as Kubernetes' stream translator reports it. Completes when both sides are closed;
     * a client that goes away closes the agent's side, which ends the command.
     */
    public Mono<Void> exec(URI uri, String protocol, WebSocketSession client) {
        WebsocketClientSpec spec = WebsocketClientSpec.builder().protocols(protocol)
                .maxFramePayloadLength(MAX_FRAME).build();
        // Reactor Netty hands a refused handshake's status on, not its body (the agent's Status): the answer is
        // aggregated and its body kept here (Netty removes the aggregator once the handshake succeeds)
        AtomicReference<byte[]> refusalBody = new AtomicReference<>(new byte[0]);
        return http.doOnRequest((request, connection) -> connection
                        .addHandlerLast(AGGREGATOR, new HttpObjectAggregator(MAX_REFUSAL))
                        .addHandlerLast(CAPTURE, new RefusalCapture(refusalBody)))
                .websocket(spec).uri(uri)
                .handle((in, out) -> proxy(in, out, client))
                .then()
                .onErrorResume(e -> {
                    ApiException error = e instanceof WebSocketClientHandshakeException refused
                            ? handshakeRefusal(refused, refusalBody.get())
                            : unreachable("error dialing backend", uri, e);
                    byte[] json = Json.write(error.status());
                    return client.send(Mono.just(client.binaryMessage(f -> f.wrap(
                                    RemoteCommand.frame(RemoteCommand.ERROR, json, 0, json.length)))))
                            .then(client.close(CloseStatus.NORMAL))
                            .onErrorResume(ignored -> Mono.empty());
                });
    }

    private Mono<Void> proxy(WebsocketInbound in, WebsocketOutbound out, WebSocketSession client) {
        // publish().autoConnect(): when the agent's side ends first, its send is cancelled, but that must not cancel
        // the client's inbound, or Reactor Netty closes the client's WebSocket at once without the agent's status
        Mono<Void> toAgent = out.sendObject(client.receive().publish().autoConnect()
                        .filter(m -> m.getType() == WebSocketMessage.Type.BINARY
                                || m.getType() == WebSocketMessage.Type.TEXT)
                        .map(NodeAgentClient::toAgentFrame))
                .then()
                .onErrorResume(e -> Mono.empty())
                .then(Mono.defer(() -> out.sendClose().onErrorResume(e -> Mono.empty())));
        Mono<CloseStatus> agentClosed = in.receiveCloseStatus()
                .map(s -> new CloseStatus(s.code(), s.reasonText()))
                .defaultIfEmpty(CloseStatus.SERVER_ERROR);
        Mono<Void> toClient = client.send(in.aggregateFrames(MAX_FRAME).receiveFrames()
                        .filter(f -> f instanceof BinaryWebSocketFrame || f instanceof TextWebSocketFrame)
                        .map(f -> toClientMessage(client, f)))
                .onErrorResume(e -> Mono.empty())
                .then(Mono.defer(() -> agentClosed.timeout(Duration.ofSeconds(1), Mono.just(CloseStatus.NORMAL))))
                .flatMap(status -> client.close(status).onErrorResume(e -> Mono.empty()));
        return Mono.when(toAgent, toClient);
    }

    /** Copied at once: the payload is released when the client's session moves on. */
    private static WebSocketFrame toAgentFrame(WebSocketMessage message) {
        DataBuffer payload = message.getPayload();
        byte[] bytes = new byte[payload.readableByteCount()];
        payload.read(bytes);
        return message.getType() == WebSocketMessage.Type.TEXT
                ? new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes))
                : new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes));
    }

    private static WebSocketMessage toClientMessage(WebSocketSession client, WebSocketFrame frame) {
        byte[] bytes = ByteBufUtil.getBytes(frame.content());
        return frame instanceof TextWebSocketFrame
                ? client.textMessage(new String(bytes, StandardCharsets.UTF_8))
                : client.binaryMessage(f -> f.wrap(bytes));
    }

    /** The agent's own Status when it sent one (it does for every refusal), else a 500 naming its answer. */
    static ApiException refusal(int code, byte[] body) {
        try {
            Status status = Json.read(body, Status.class);
            if ("Status".equals(status.getKind()) && status.getCode() != null && status.getCode() == code) {
                return new ApiException(status);
            }
        } catch (RuntimeException notAStatus) {
            // fall through: describe what came back
        }
        String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip();
        return StatusErrors.internal("the node agent answered " + code + (text.isEmpty() ? "" : ": " + text));
    }

    private static ApiException handshakeRefusal(WebSocketClientHandshakeException e, byte[] body) {
        if (e.response() == null) {
            return StatusErrors.internal("the node agent refused the exec: " + e.getMessage());
        }
        return refusal(e.response().status().code(), body);
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

    private static ApiException unreachable(String verb, URI uri, Throwable e) {
        String why = e instanceof TimeoutException ? "no answer in time" : String.valueOf(e.getMessage());
        log.info("node agent {} unreachable: {}", uri.getAuthority(), why);
        return StatusErrors.internal(verb + " \"" + uri.getScheme() + "://" + uri.getAuthority() + uri.getPath()
                + "\": " + why);
    }
}
