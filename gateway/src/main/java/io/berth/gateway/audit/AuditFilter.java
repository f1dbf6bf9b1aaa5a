package io.berth.gateway.audit;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.request.RequestInfo;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Records every request through the gateway, once, when its response has ended: who (from the
 * {@value #USER_ATTRIBUTE} attribute the authentication filter sets; {@code ""} when the request was refused before
 * anyone was identified), from where (the TCP peer), what (the Kubernetes attributes), the answer's code and the
 * latency, and the body of writes (see {@link RequestBodies}). Outermost of the gateway's filters, so the 401, 403 and
 * 429 answers of later filters are recorded too.
 *
 * <p>Watches and other long-running requests are recorded when they end, with their duration as latency: one entry per
 * request that carries the final code. While a watch is open the filter holds only the entry's few strings.
 *
 * <p>Only the front door is audited: the management server (Actuator: probes, Prometheus scrapes) runs its own
 * handler chain in a child context that inherits this filter, and its requests pass unrecorded.
 *
 * <p>Never blocks and never fails a request: the entry goes to the {@link AuditWriter}'s bounded queue, which drops
 * it when full. Thread safe.
 */
public final class AuditFilter implements WebFilter, Ordered {

    /** Outermost: sees the answers of authentication (+100), authorization and rate limits. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 50;
    /** The authenticated {@link UserInfo}, set by the authentication filter. */
    public static final String USER_ATTRIBUTE = "berth.user";
    /** The request's {@link RequestInfo}, set by the authentication filter. */
    public static final String REQUEST_ATTRIBUTE = "berth.request";
    /** Recorded when the client went away before an answer was committed (nginx's "client closed request"). */
    public static final int CLIENT_CLOSED = 499;

    private static final Set<HttpMethod> WRITES = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
            HttpMethod.DELETE);
    /** Streams of a container or an application, not API objects: never kept. */
    private static final Set<String> STREAM_SUBRESOURCES = Set.of("exec", "attach", "portforward", "proxy");

    private final AuditWriter writer;
    private final int bodyLimit;
    private final Clock clock;
    private final ApplicationContext frontDoor;

    /**
     * @param frontDoor the context whose server is audited; exchanges of other contexts (the management server's)
     *                  are not. Null: every exchange.
     */
    public AuditFilter(AuditWriter writer, int bodyLimit, Clock clock, ApplicationContext frontDoor) {
        this.writer = writer;
        this.bodyLimit = bodyLimit;
        this.clock = clock;
        this.frontDoor = frontDoor;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (frontDoor != null && exchange.getApplicationContext() != frontDoor) {
            return chain.filter(exchange);
        }
        Instant received = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        long start = System.nanoTime();
        ServerHttpRequest request = exchange.getRequest();
        RequestInfo parsed = WRITES.contains(request.getMethod()) ? parse(request) : null;
        BodyTee tee = hasRecordableBody(request, parsed) ? new BodyTee(request, bodyLimit) : null;
        ServerWebExchange forwarded = tee == null ? exchange : exchange.mutate().request(tee).build();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        return chain.filter(forwarded)
                .doOnError(failure::set)
                .doFinally(signal -> record(exchange, request, parsed, tee, received, start, signal, failure.get()));
    }

    private boolean hasRecordableBody(ServerHttpRequest request, RequestInfo info) {
        if (info == null || bodyLimit == 0) {
            return false;
        }
        HttpHeaders headers = request.getHeaders();
        if (headers.getContentLength() == 0 || headers.containsHeader(HttpHeaders.UPGRADE)) {
            return false;
        }
        return !STREAM_SUBRESOURCES.contains(info.subresource());
    }

    private void record(ServerWebExchange exchange, ServerHttpRequest request, RequestInfo parsed, BodyTee tee,
                        Instant received, long start, SignalType signal, Throwable failure) {
        try {
            long latency = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            RequestInfo info = exchange.getAttribute(REQUEST_ATTRIBUTE) instanceof RequestInfo i ? i
                    : parsed != null ? parsed : parse(request);
            UserInfo user = exchange.getAttribute(USER_ATTRIBUTE) instanceof UserInfo u ? u : null;
            String query = request.getURI().getRawQuery();
            String path = request.getURI().getRawPath();
            AuditEvent event = new AuditEvent(
                    UUID.randomUUID().toString(),
                    received,
                    user == null ? "" : user.name(),
                    user == null ? List.of() : user.groups(),
                    peer(request),
                    info.verb(),
                    info.group(),
                    info.resource(),
                    info.subresource(),
                    info.namespace(),
                    info.name(),
                    query == null ? path : path + "?" + query,
                    code(exchange.getResponse(), signal, failure),
                    latency,
                    request.getHeaders().getFirst(HttpHeaders.USER_AGENT),
                    null, false, null);
            writer.submit(new PendingEvent(event, info, tee == null ? null : tee.captured()));
        } catch (RuntimeException e) {
            writer.recordFailure(e);
        }
    }

    private static RequestInfo parse(ServerHttpRequest request) {
        return RequestInfo.parse(request.getMethod().name(), request.getPath().value(),
                request.getQueryParams().getFirst("watch"));
    }

    /** The TCP peer: X-Forwarded-For and Forwarded are whatever the client chose to send. */
    static String peer(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        if (remote == null) {
            return "";
        }
        return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }

    static int code(ServerHttpResponse response, SignalType signal, Throwable failure) {
        HttpStatusCode status = response.getStatusCode();
        if (signal == SignalType.ON_ERROR) {
            if (failure instanceof ResponseStatusException e) {
                return e.getStatusCode().value();
            }
            if (failure instanceof ApiException e) {
                return e.code();
            }
            return response.isCommitted() && status != null ? status.value() : 500;
        }
        if (signal == SignalType.CANCEL && !response.isCommitted()) {
            return CLIENT_CLOSED;
        }
        return status == null ? 200 : status.value();
    }
}
