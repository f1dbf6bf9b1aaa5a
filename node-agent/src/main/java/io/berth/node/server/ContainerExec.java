package io.berth.node.server;

import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.streaming.PodExecOptions;
import io.berth.apimachinery.streaming.RemoteCommand;
import io.berth.node.pods.PodLocator;
import io.berth.node.runtime.ContainerRuntime;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code /exec/{namespace}/{pod}/{container}?command=...&stdin=&stdout=&stderr=&tty=}, the kubelet's exec endpoint:
 * a WebSocket upgrade in {@code v5.channel.k8s.io} or {@code v4.channel.k8s.io} (see {@link ExecSession}) that runs
 * the command with {@link ContainerRuntime#execStreaming}. Everything that can be refused is refused before the
 * upgrade, as a Status: no WebSocket 400, no protocol in common 400, a bad command 400, an unknown pod or container
 * 404, a container that is not running 400.
 *
 * <p>Each session holds up to three threads of its own while its command runs (standard output, error, input), from
 * a pool that grows with the sessions, so one slow command never holds up another. {@link #close()} stops them.
 */
final class ContainerExec implements AutoCloseable {

    private final PodLocator locator;
    private final ContainerRuntime runtime;
    private final WebSocketService webSockets = new HandshakeWebSocketService();
    private final ExecutorService threads;
    private final Scheduler io;

    ContainerExec(PodLocator locator, ContainerRuntime runtime) {
        this.locator = locator;
        this.runtime = runtime;
        AtomicInteger count = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "exec-io-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.io = Schedulers.fromExecutorService(threads, "exec-io");
    }

    Mono<ServerResponse> handle(ServerRequest request) {
        String namespace = request.pathVariable("namespace");
        String pod = request.pathVariable("pod");
        String container = request.pathVariable("container");
        return Mono.fromCallable(() -> {
                    if (!"websocket".equalsIgnoreCase(request.headers().firstHeader(HttpHeaders.UPGRADE))) {
                        throw StatusErrors.badRequest("exec needs a WebSocket upgrade with the subprotocol "
                                + String.join(" or ", RemoteCommand.PROTOCOLS) + "; SPDY is not supported");
                    }
                    PodExecOptions options = PodExecOptions.parse(name -> request.queryParams().getOrDefault(name,
                            List.of())).validate();
                    List<String> offered = request.headers().header("Sec-WebSocket-Protocol");
                    String protocol = RemoteCommand.negotiate(offered).orElseThrow(() -> StatusErrors.badRequest(
                            "requested protocol(s) are not supported: " + RemoteCommand.offeredProtocols(offered)
                                    + "; supports " + RemoteCommand.PROTOCOLS));
                    PodLocator.Located located = locator.find(namespace, pod, container)
                            .orElseThrow(() -> Statuses.containerNotFound(container, pod));
                    if (!located.running() || located.containerId() == null) {
                        throw StatusErrors.badRequest("container \"" + located.container() + "\" in pod \"" + pod
                                + "\" is not running");
                    }
                    return handler(options, protocol, located.containerId());
                })
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(handler -> ServerResponse.ok()
                        .build((exchange, context) -> webSockets.handleRequest(exchange, handler)))
                .onErrorResume(Statuses::respond);
    }

    private WebSocketHandler handler(PodExecOptions options, String protocol, String containerId) {
        ExecSession exec = new ExecSession(options, protocol,
                () -> runtime.execStreaming(containerId, options.command(), options.tty()), io);
        return new WebSocketHandler() {
            @Override
            public List<String> getSubProtocols() {
                return List.of(protocol);
            }

            @Override
            public Mono<Void> handle(WebSocketSession session) {
                return exec.run(session);
            }
        };
    }

    @Override
    public void close() {
        io.dispose();
        threads.shutdownNow();
    }
}
