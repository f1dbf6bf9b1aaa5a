package io.berth.apiserver.nodeagent;

import io.berth.apimachinery.streaming.RemoteCommand;
import io.berth.testkit.Pki;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.WebsocketServerSpec;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A node agent's logs/exec endpoint in the test: HTTPS with the kubelet-serving certificate, a client certificate
 * from the cluster CA required. {@code /containerLogs/...} answers {@link #LOG}, or streams {@link #follow} when
 * asked to follow, or a 404 Status for pod {@code gone}; {@code /exec/...} upper-cases what arrives on stdin onto
 * stdout and, when stdin is closed (v5 close signal), reports exit code 7 and closes. Records every request.
 */
final class FakeNodeAgent implements AutoCloseable {

    static final String LOG = "2024 one\n2024 two\n";
    static final String NOT_FOUND = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
            + "\"reason\":\"NotFound\",\"code\":404,\"message\":\"container \\\"c\\\" not found in pod \\\"gone\\\"\"}";

    /** A request as it arrived: path, query and the client certificate's subject. */
    record Seen(String path, Map<String, List<String>> query, String client, String protocol) {
    }

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    final Sinks.Many<String> follow = Sinks.many().unicast().onBackpressureBuffer();
    private final DisposableServer server;

    FakeNodeAgent(Path pki) throws SSLException {
        SslContext ssl = SslContextBuilder.forServer(pki.resolve(Pki.KUBELET_SERVING_CERT).toFile(),
                        pki.resolve(Pki.KUBELET_SERVING_KEY).toFile())
                .trustManager(pki.resolve(Pki.CA_CERT).toFile()).clientAuth(ClientAuth.REQUIRE).build();
        server = HttpServer.create().host("127.0.0.1").port(0).secure(spec -> spec.sslContext(ssl))
                .route(routes -> routes
                        .get("/containerLogs/{namespace}/{pod}/{container}", (request, response) -> {
                            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
                            request.withConnection(c -> seen.add(new Seen(uri.path(), uri.parameters(),
                                    client(c.channel().pipeline().get(SslHandler.class)), null)));
                            if ("gone".equals(request.param("pod"))) {
                                return response.status(HttpResponseStatus.NOT_FOUND)
                                        .header("Content-Type", "application/json")
                                        .sendString(Mono.just(NOT_FOUND));
                            }
                            Flux<String> body = uri.parameters().containsKey("follow")
                                    ? follow.asFlux() : Flux.just(LOG);
                            return response.header("Content-Type", "text/plain")
                                    .sendString(body, StandardCharsets.UTF_8);
                        })
                        // the container went away between the api-service's check and the agent's: refused
                        .get("/exec/team/gone/c", (request, response) -> response.status(HttpResponseStatus.NOT_FOUND)
                                .header("Content-Type", "application/json").sendString(Mono.just(NOT_FOUND)))
                        .ws("/exec/{namespace}/{pod}/{container}", (in, out) -> {
                            // the WebSocket operations are the upgraded request: its URI is there
                            QueryStringDecoder uri = new QueryStringDecoder(((HttpServerRequest) in).uri());
                            in.withConnection(c -> seen.add(new Seen(uri.path(), uri.parameters(),
                                    client(c.channel().pipeline().get(SslHandler.class)), in.selectedSubprotocol())));
                            Sinks.Many<WebSocketFrame> replies = Sinks.many().unicast().onBackpressureBuffer();
                            replies.tryEmitNext(frame(RemoteCommand.STDOUT, ""));
                            in.aggregateFrames().receiveFrames().subscribe(frame -> {
                                byte[] data = ByteBufUtil.getBytes(frame.content());
                                if (data.length > 1 && data[0] == RemoteCommand.STDIN) {
                                    String text = new String(data, 1, data.length - 1, StandardCharsets.UTF_8);
                                    replies.tryEmitNext(frame(RemoteCommand.STDOUT, text.toUpperCase(Locale.ROOT)));
                                } else if (data.length == 2 && (data[0] & 0xff) == RemoteCommand.CLOSE) {
                                    replies.tryEmitNext(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(
                                            RemoteCommand.exitFrame(7))));
                                    replies.tryEmitComplete();
                                }
                            });
                            return out.sendObject(replies.asFlux()).then(out.sendClose(1000, "done"));
                        }, WebsocketServerSpec.builder().protocols("v5.channel.k8s.io,v4.channel.k8s.io").build()))
                .bindNow();
    }

    int port() {
        return server.port();
    }

    private static BinaryWebSocketFrame frame(int stream, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(RemoteCommand.frame(stream, bytes, 0, bytes.length)));
    }

    private static String client(SslHandler ssl) {
        try {
            return ((X509Certificate) ssl.engine().getSession().getPeerCertificates()[0])
                    .getSubjectX500Principal().getName();
        } catch (SSLPeerUnverifiedException e) {
            return "";
        }
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
