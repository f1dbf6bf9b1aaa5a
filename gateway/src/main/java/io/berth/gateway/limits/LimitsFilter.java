package io.berth.gateway.limits;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.request.RequestInfo;
import io.berth.gateway.config.ManagementPort;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * API Priority and Fairness, simplified: classifies each request into a priority level ({@link FlowSchemas}),
 * applies the user's rate limit, then lets it execute on a seat of its level ({@link PriorityLevel}); a request that
 * gets no permission or no seat in time gets 429 TooManyRequests with Retry-After, as Kubernetes answers.
 * Long-running requests (watches, exec, ...) count for the rate limit when they start but take no seat; the
 * {@code exempt} level is never limited.
 *
 * <p>Runs after authentication, which leaves the user in {@link #USER_ATTRIBUTE} and the parsed request in
 * {@link #REQUEST_ATTRIBUTE}; a request without a user is anonymous (only the health and version paths get that
 * far): its probes are exempt, the rest is one flow, {@code system:anonymous}, of {@code global-default}. The level
 * chosen is left in {@link #PRIORITY_LEVEL_ATTRIBUTE} for the audit trail. Thread safe.
 */
public final class LimitsFilter implements WebFilter, Ordered {

    /** After authentication (+100), before authorization (+200). */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 150;
    public static final String USER_ATTRIBUTE = io.berth.gateway.authn.AuthenticationFilter.USER_ATTRIBUTE;
    public static final String REQUEST_ATTRIBUTE = io.berth.gateway.authn.AuthenticationFilter.REQUEST_ATTRIBUTE;
    public static final String PRIORITY_LEVEL_ATTRIBUTE = "berth.priorityLevel";

    static final String ANONYMOUS = "system:anonymous";

    private final ManagementPort management;
    private static final long QUEUE_RETRY_AFTER_SECONDS = 1;

    private final FlowSchemas schemas;
    private final Map<String, PriorityLevel> levels;
    private final PriorityLevel exempt;

    public LimitsFilter(LimitsProperties props, MeterRegistry meters, BulkheadRegistry bulkheads, Scheduler timer) {
        this(props, meters, bulkheads, timer, ManagementPort.none());
    }

    /** @param management requests on the Actuator port pass without limits */
    public LimitsFilter(LimitsProperties props, MeterRegistry meters, BulkheadRegistry bulkheads, Scheduler timer,
                        ManagementPort management) {
        this.management = management;
        this.schemas = FlowSchemas.of(props);
        Map<String, PriorityLevel> byName = new LinkedHashMap<>();
        for (PriorityLevelConfiguration level : props.priorityLevels()) {
            byName.put(level.name(), new PriorityLevel(level, props, bulkheads, meters, timer));
        }
        this.levels = Map.copyOf(byName);
        this.exempt = levels.get(PriorityLevelConfiguration.EXEMPT);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (management.matches(exchange)) {
            return chain.filter(exchange);
        }
        UserInfo user = exchange.getAttribute(USER_ATTRIBUTE);
        if (schemas.isExempt(user)) {
            exchange.getAttributes().put(PRIORITY_LEVEL_ATTRIBUTE, exempt.name());
            return exempt.execute(user.name(), () -> chain.filter(exchange));
        }
        RequestInfo request = requestInfo(exchange);
        PriorityLevel level = levels.get(schemas.classify(user, request));
        exchange.getAttributes().put(PRIORITY_LEVEL_ATTRIBUTE, level.name());
        String flow = user == null ? ANONYMOUS : user.name();
        if (level.config().exempt()) {
            return level.execute(flow, () -> chain.filter(exchange));
        }
        long wait = level.tryStart(flow);
        if (wait > 0) {
            return TooManyRequests.write(exchange, TooManyRequests.seconds(wait));
        }
        if (FlowSchemas.isLongRunning(request, exchange.getRequest().getQueryParams().getFirst("follow"))) {
            return level.executeLongRunning(() -> chain.filter(exchange));
        }
        return level.execute(flow, () -> chain.filter(exchange))
                .onErrorResume(PriorityLevel.Rejected.class,
                        rejected -> TooManyRequests.write(exchange, QUEUE_RETRY_AFTER_SECONDS));
    }

    PriorityLevel level(String name) {
        return levels.get(name);
    }

    private static RequestInfo requestInfo(ServerWebExchange exchange) {
        RequestInfo info = exchange.getAttribute(REQUEST_ATTRIBUTE);
        if (info != null) {
            return info;
        }
        ServerHttpRequest request = exchange.getRequest();
        return RequestInfo.parse(request.getMethod().name(), request.getPath().value(),
                request.getQueryParams().getFirst("watch"));
    }
}
