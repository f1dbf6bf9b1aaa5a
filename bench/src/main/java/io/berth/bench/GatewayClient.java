package io.berth.bench;

import io.berth.apimachinery.json.Json;
import io.berth.testkit.ClusterHarness;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import reactor.core.publisher.Mono;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;
import tools.jackson.databind.JsonNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A benchmark client of the gateway: HTTP/1.1 over TLS (trusting the cluster CA) with keep-alive connections from a
 * pool of fixed size, the admin's bearer token on every request, and event loops of its own so that closing it
 * leaves no thread or connection behind. Requests beyond the pool's size wait for a free connection. Thread safe.
 */
final class GatewayClient implements AutoCloseable {

    private static final byte[] EMPTY = new byte[0];

    /** Status and body of a response, read to the end. */
    record Response(int status, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final ConnectionProvider pool;
    private final LoopResources loops;
    private final HttpClient client;

    /**
     * @param name        names the pool and the event-loop threads (in thread dumps)
     * @param connections the pool's size: the most requests in flight at once
     * @param loopThreads event-loop threads; TLS costs CPU on this side too
     * @param timeout     how long a response may take to start
     */
    GatewayClient(ClusterHarness cluster, String name, int connections, int loopThreads, Duration timeout) {
        this(cluster.gatewayUrl(), cluster.caCert(), cluster.adminToken(), name, connections, loopThreads, timeout);
    }

    GatewayClient(String baseUrl, Path caCert, String token, String name, int connections, int loopThreads,
                  Duration timeout) {
        this.pool = ConnectionProvider.builder(name)
                .maxConnections(connections)
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(Duration.ofMinutes(2))
                .build();
        this.loops = LoopResources.create(name, loopThreads, true);
        Http11SslContextSpec tls = Http11SslContextSpec.forClient()
                .configure(b -> b.trustManager(caCert.toFile()));
        this.client = HttpClient.create(pool)
                .runOn(loops)
                .protocol(HttpProtocol.HTTP11)
                .secure(spec -> spec.sslContext(tls))
                .baseUrl(baseUrl)
                .keepAlive(true)
                .responseTimeout(timeout)
                .headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token)
                        .set(HttpHeaderNames.ACCEPT, "application/json"));
    }

    /** The configured Reactor Netty client, for streaming responses (watches). */
    HttpClient http() {
        return client;
    }

    Mono<Response> get(String path) {
        return send(HttpMethod.GET, path, null);
    }

    Mono<Response> post(String path, byte[] json) {
        return send(HttpMethod.POST, path, json);
    }

    Mono<Response> put(String path, byte[] json) {
        return send(HttpMethod.PUT, path, json);
    }

    Mono<Response> send(HttpMethod method, String path, byte[] json) {
        HttpClient c = json == null ? client
                : client.headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/json"));
        return c.request(method)
                .uri(path)
                .send((request, out) -> json == null ? out : out.sendByteArray(Mono.just(json)))
                .responseSingle((response, body) -> body.asByteArray()
                        .defaultIfEmpty(EMPTY)
                        .map(bytes -> new Response(response.status().code(), bytes)));
    }

    /** Every item of a list path (which has no query of its own), page by page, 500 at a time. */
    void forEachItem(String path, Consumer<JsonNode> item) {
        String next = "";
        do {
            String page = path + "?limit=500" + (next.isEmpty() ? ""
                    : "&continue=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
            JsonNode list = Json.tree(expect(200, get(page)).block(Duration.ofSeconds(60)).body());
            list.path("items").forEach(item);
            next = list.path("metadata").path("continue").asString("");
        } while (!next.isEmpty());
    }

    /** {@code send} that fails unless the status is {@code expected}, naming the status and the body. */
    static Mono<Response> expect(int expected, Mono<Response> request) {
        return request.flatMap(r -> r.status() == expected ? Mono.just(r)
                : Mono.error(new UnexpectedStatus(expected, r)));
    }

    /** Closes every connection and stops the event loops; waits up to 10 s. */
    @Override
    public void close() {
        try {
            pool.disposeLater().block(Duration.ofSeconds(10));
        } finally {
            loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        }
    }

    /** A response other than the one the benchmark needs. */
    static final class UnexpectedStatus extends RuntimeException {
        UnexpectedStatus(int expected, Response r) {
            super("HTTP " + r.status() + " (expected " + expected + "): " + abbreviate(r.text(), 300));
        }
    }

    static String abbreviate(String s, int max) {
        String oneLine = s.replaceAll("\\s+", " ");
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max) + "...";
    }
}
