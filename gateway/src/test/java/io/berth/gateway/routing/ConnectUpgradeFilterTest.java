package io.berth.gateway.routing;

import io.berth.apimachinery.streaming.RemoteCommand;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The exec WebSocket through the filter, between real servers on loopback: an "api-service" that upgrades
 * {@code pods/web/exec} (and echoes stdin upper-cased, then reports exit code 7) and refuses {@code pods/waiting/exec}
 * with a Status, and a front server that runs the filter as the gateway's chain would.
 */
class ConnectUpgradeFilterTest {

    static final String REFUSAL = "{\"kind\":\"Status\",\"status\":\"Failure\",\"code\":400,\"reason\":\"BadRequest\","
            + "\"message\":\"container \\\"c\\\" in pod \\\"waiting\\\" is waiting to start: ContainerCreating\"}";
    static final List<String> remoteUsers = new CopyOnWriteArrayList<>();
    static DisposableServer apiService;
    static DisposableServer gateway;

    @BeforeAll
    static void start() {
        apiService = HttpServer.create().host("127.0.0.1").port(0).route(routes -> routes
                .get("/api/v1/namespaces/team/pods/waiting/exec", (request, response) ->
                        response.status(HttpResponseStatus.BAD_REQUEST).header("Content-Type", "application/json")
                                .sendString(Mono.just(REFUSAL)))
                .ws("/api/v1/namespaces/team/pods/web/exec", (in, out) -> {
                    remoteUsers.add(String.valueOf(in.headers().get("X-Remote-User")));
                    Sinks.Many<WebSocketFrame> replies = Sinks.many().unicast().onBackpressureBuffer();
                    in.receiveFrames().subscribe(frame -> {
                        byte[] data = ByteBufUtil.getBytes(frame.content());
                        if (data.length > 1 && data[0] == RemoteCommand.STDIN) {
                            String text = new String(data, 1, data.length - 1, StandardCharsets.UTF_8);
                            replies.tryEmitNext(binary(RemoteCommand.frame(RemoteCommand.STDOUT,
                                    text.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8), 0, text.length())));
                        } else if (data.length == 2 && (data[0] & 0xff) == RemoteCommand.CLOSE) {
                            replies.tryEmitNext(binary(RemoteCommand.exitFrame(7)));
                            replies.tryEmitComplete();
                        }
                    });
                    return out.sendObject(replies.asFlux()).then(out.sendClose(1000, "done"));
                }, WebsocketServerSpec.builder().protocols("v5.channel.k8s.io,v4.channel.k8s.io").build()))
                .bindNow();
        ConnectUpgradeFilter filter = new ConnectUpgradeFilter(HttpClient.create());
        gateway = HttpServer.create().host("127.0.0.1").port(0).handle(new ReactorHttpHandlerAdapter(
                WebHttpHandlerBuilder.webHandler(exchange -> {
                    // what the load balancer leaves for the routing filters: the chosen replica's URL
                    URI request = exchange.getRequest().getURI();
                    exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR,
                            URI.create("http://127.0.0.1:" + apiService.port() + request.getRawPath()
                                    + (request.getRawQuery() == null ? "" : "?" + request.getRawQuery())));
                    return filter.filter(exchange, routed -> Mono.error(new AssertionError("left to the chain")));
                }).build())).bindNow();
    }

    @AfterAll
    static void stop() {
        gateway.disposeNow();
        apiService.disposeNow();
    }

    @Test
    void framesGoThroughBothWaysThenTheApiServicesCloseStatus() throws Exception {
        Frames frames = new Frames();
        WebSocket socket = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                .header("X-Remote-User", "alice").subprotocols("v5.channel.k8s.io", "v4.channel.k8s.io")
                .buildAsync(URI.create("ws://127.0.0.1:" + gateway.port()
                        + "/api/v1/namespaces/team/pods/web/exec?command=sh&command=-c&command=echo%20hi"), frames)
                .join();
        assertThat(socket.getSubprotocol()).isEqualTo("v5.channel.k8s.io");

        socket.sendBinary(ByteBuffer.wrap(new byte[] {0, 'h', 'i'}), true).join();
        await().atMost(Duration.ofSeconds(10)).until(() -> frames.messages.size() == 1);
        socket.sendBinary(ByteBuffer.wrap(new byte[] {(byte) 255, 0}), true).join();

        assertThat(frames.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        assertThat(frames.messages.get(0)).containsExactly(1, 'H', 'I');
        assertThat(frames.messages.get(1)).isEqualTo(RemoteCommand.exitFrame(7));
        assertThat(remoteUsers).contains("alice");
    }

    @Test
    void aRefusedHandshakeReachesTheClientAsTheApiServiceAnsweredIt() {
        String answer = HttpClient.create().headers(h -> h.set("Upgrade", "websocket").set("Connection", "Upgrade")
                        .set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").set("Sec-WebSocket-Version", "13")
                        .set("Sec-WebSocket-Protocol", "v5.channel.k8s.io"))
                .get().uri("http://127.0.0.1:" + gateway.port() + "/api/v1/namespaces/team/pods/waiting/exec")
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                        .map(text -> response.status().code() + " " + response.responseHeaders().get("Content-Type")
                                + " " + text))
                .block(Duration.ofSeconds(10));

        assertThat(answer).isEqualTo("400 application/json " + REFUSAL);
    }

    record Case(HttpMethod method, String path, boolean upgrade, boolean connect) {
    }

    static Stream<Case> requests() {
        return Stream.of(
                new Case(HttpMethod.GET, "/api/v1/namespaces/a/pods/p/exec", true, true),
                new Case(HttpMethod.GET, "/api/v1/namespaces/a/pods/p/attach", true, true),
                new Case(HttpMethod.GET, "/api/v1/namespaces/a/pods/p/portforward", true, true),
                new Case(HttpMethod.GET, "/api/v1/namespaces/a/pods/p/exec", false, false),
                new Case(HttpMethod.GET, "/api/v1/namespaces/a/pods/p/log", true, false),
                new Case(HttpMethod.GET, "/api/v1/namespaces/a/pods", true, false),
                new Case(HttpMethod.GET, "/apis/example.com/v1/namespaces/a/pods/p/exec", true, false));
    }

    @ParameterizedTest
    @MethodSource("requests")
    void onlyAPodConnectHandshakeIsTakenOver(Case c) {
        MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.method(c.method(), c.path());
        if (c.upgrade()) {
            request.header("Upgrade", "websocket");
        }

        assertThat(ConnectUpgradeFilter.isConnectUpgrade(request.build())).isEqualTo(c.connect());
    }

    private static BinaryWebSocketFrame binary(byte[] bytes) {
        return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes));
    }

    static final class Frames implements WebSocket.Listener {
        final List<byte[]> messages = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            partial.writeBytes(bytes);
            if (last) {
                messages.add(partial.toByteArray());
                partial.reset();
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
            closed.complete(code);
            return null;
        }
    }
}
