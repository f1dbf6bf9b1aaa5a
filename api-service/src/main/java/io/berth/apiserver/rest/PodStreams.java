package io.berth.apiserver.rest;

import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apimachinery.request.RequestInfo;
import io.berth.apimachinery.streaming.PodExecOptions;
import io.berth.apimachinery.streaming.PodLogOptions;
import io.berth.apimachinery.streaming.RemoteCommand;
import io.berth.apiserver.nodeagent.NodeAgentClient;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * {@code pods/log} and {@code pods/exec}: checked here against the stored Pod and Node ({@link PodConnections}), then
 * served by the pod's node agent through the {@link NodeAgentClient}. A log is {@code text/plain}, streamed and flushed
 * per chunk; exec is a WebSocket in {@code v5.channel.k8s.io} or {@code v4.channel.k8s.io} whose frames are proxied
 * to the agent's. Everything that can be refused is refused before the upgrade, as a Status.
 */
final class PodStreams {

    private final ApiContext ctx;
    private final NodeAgentClient agents;
    private final WebSocketService webSockets = new HandshakeWebSocketService();

    PodStreams(ApiContext ctx, NodeAgentClient agents) {
        this.ctx = ctx;
        this.agents = agents;
    }

    /** {@code GET pods/{name}/log} with Kubernetes' PodLogOptions. */
    Mono<ServerResponse> log(ServerRequest request, RequestInfo info, ResourceType pods) {
        PodLogOptions options = PodLogOptions.parse(query(request)).validate(info.name());
        return target(info, pods, options.container(),
                        (pod, container) -> PodConnections.checkLogs(pod, container, options.previous()))
                .map(t -> t.url("/containerLogs/", info, options.agentQuery()))
                .flatMap(agents::logs)
                .flatMap(body -> {
                    // an empty first write sends the headers at once: a followed log may stay silent for long
                    Flux<byte[]> chunks = Flux.concat(Mono.just(new byte[0]), body);
                    return ServerResponse.ok().header(HttpHeaders.CONTENT_TYPE, "text/plain")
                            .header(HttpHeaders.CACHE_CONTROL, "no-cache, private")
                            .body((message, context) -> message.writeAndFlushWith(chunks.map(bytes ->
                                    Mono.just(message.bufferFactory().wrap(bytes)))));
                });
    }

    /**
     * {@code GET} (WebSocket) {@code pods/{name}/exec} with Kubernetes' PodExecOptions. A request without a WebSocket
     * upgrade (SPDY's POST) is checked like one, then refused with 400: a client whose WebSocket upgrade was refused
     * falls back to SPDY (client-go does), so it reads the real reason, such as a container still waiting to start.
     */
    Mono<ServerResponse> exec(ServerRequest request, RequestInfo info, ResourceType pods) {
        PodExecOptions options = PodExecOptions.parse(query(request)).validate();
        boolean webSocket = Watches.isWebSocket(request);
        List<String> offered = request.headers().header("Sec-WebSocket-Protocol");
        String protocol = webSocket ? RemoteCommand.negotiate(offered).orElseThrow(() -> StatusErrors.badRequest(
                "requested protocol(s) are not supported: " + RemoteCommand.offeredProtocols(offered)
                        + "; supports " + RemoteCommand.PROTOCOLS)) : null;
        return target(info, pods, options.container(), PodConnections::checkRunning)
                .doOnNext(target -> {
                    if (!webSocket) {
                        throw StatusErrors.badRequest("Upgrade request required: Berth serves exec only over "
                                + "WebSocket (subprotocol " + String.join(" or ", RemoteCommand.PROTOCOLS)
                                + "); SPDY is not supported. kubectl 1.30 and later use WebSocket unless "
                                + "KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false");
                    }
                })
                .map(t -> URI.create(t.url("/exec/", info, options.agentQuery()).toString()
                        .replaceFirst("^https:", "wss:")))
                .flatMap(agent -> ServerResponse.ok().build((exchange, context) ->
                        webSockets.handleRequest(exchange, new WebSocketHandler() {
                            @Override
                            public List<String> getSubProtocols() {
                                return List.of(protocol);
                            }

                            @Override
                            public Mono<Void> handle(WebSocketSession session) {
                                return agents.exec(agent, protocol, session);
                            }
                        })));
    }

    /** The container a request addresses and its node agent's base URL. */
    private record Target(String container, URI agent) {
        URI url(String endpoint, RequestInfo info, String query) {
            return URI.create(agent + endpoint + info.namespace() + "/" + info.name() + "/" + container
                    + (query.isEmpty() ? "" : "?" + query));
        }
    }

    /**
     * Reads the pod, chooses the container, requires the pod to be bound (in this order, as Kubernetes checks),
     * lets {@code checkStatus} judge the container's reported status, then reads the node.
     */
    private Mono<Target> target(RequestInfo info, ResourceType pods, String requested,
                                BiConsumer<Pod, String> checkStatus) {
        ResourceType nodes = ctx.registry().find("", "v1", "nodes").orElseThrow();
        return Async.mono(() -> ctx.store().get(pods, info.namespace(), info.name()))
                .map(stored -> (Pod) stored.object())
                .flatMap(pod -> {
                    String container = PodConnections.container(pod, requested);
                    String nodeName = PodConnections.nodeName(pod);
                    checkStatus.accept(pod, container);
                    return Async.mono(() -> ctx.store().get(nodes, "", nodeName))
                            .map(stored -> new Target(container, PodConnections.agent((Node) stored.object())));
                });
    }

    private static Function<String, List<String>> query(ServerRequest request) {
        return name -> request.queryParams().getOrDefault(name, List.of());
    }
}
