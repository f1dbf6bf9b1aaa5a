package io.berth.gateway.routing;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

import java.time.Duration;
import java.util.Locale;

/**
 * Routing to the api-service replicas: the route (every path, with the replica retry), the circuit-breaking load
 * balancer, the readiness probe of open replicas, and the breakers' metrics. The {@code ApiServerInstances},
 * {@code ApiServerDiscoveryClient} and {@code PassiveHealthFilter} beans come from {@code GatewayConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
@LoadBalancerClient(name = ApiServerInstances.SERVICE_ID, configuration = ApiServerLoadBalancerConfiguration.class)
public class RoutingConfiguration {

    public static final String ROUTE_ID = "api-service";
    /** Ahead of any other catch-all route. */
    public static final int ROUTE_ORDER = -1;

    static final Duration PROBE_INTERVAL = Duration.ofSeconds(2);

    /**
     * Everything goes to the api-service replicas. A GET or HEAD whose replica cannot be reached is retried on the
     * next one ({@link ReplicaRetryFilter}); other methods are not retried, since the first attempt may have been
     * applied.
     */
    @Bean
    RouteLocator apiServiceRoute(RouteLocatorBuilder routes, ApiServerInstances instances, MeterRegistry meters) {
        RetryRegistry retries = RetryRegistry.of(ReplicaRetryFilter.retryConfig(instances.all().size()));
        TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(meters);
        ReplicaRetryFilter retry = new ReplicaRetryFilter(retries.retry(ApiServerInstances.SERVICE_ID));
        return routes.routes()
                .route(ROUTE_ID, r -> r.order(ROUTE_ORDER).path("/**")
                        .filters(f -> f.filter(retry))
                        .uri("lb://" + ApiServerInstances.SERVICE_ID))
                .build();
    }

    /** exec, attach and port-forward WebSockets: the api-service's handshake before the client's. */
    @Bean
    ConnectUpgradeFilter connectUpgradeFilter(HttpClient gatewayHttpClient) {
        return new ConnectUpgradeFilter(gatewayHttpClient);
    }

    @Bean
    ReadinessProbe readinessProbe(ApiServerInstances instances, HttpClient gatewayHttpClient) {
        return new ReadinessProbe(instances, ReadinessProbe.readyz(gatewayHttpClient, PROBE_INTERVAL),
                PROBE_INTERVAL, Schedulers.parallel());
    }

    /**
     * {@code resilience4j_circuitbreaker_state{name,state}} and {@code resilience4j_circuitbreaker_failure_rate{name}}
     * per replica, read when scraped (Resilience4j's own binder records every call through events, a cost per
     * request that the proxy does not need).
     */
    @Bean
    MeterBinder replicaBreakerMetrics(ApiServerInstances instances) {
        return registry -> {
            for (ApiServerInstances.Replica replica : instances.replicas()) {
                CircuitBreaker breaker = replica.breaker();
                for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
                    Gauge.builder("resilience4j.circuitbreaker.state", breaker, b -> b.getState() == state ? 1 : 0)
                            .description("The state of the api-service replica's circuit breaker")
                            .tag("name", breaker.getName())
                            .tag("state", state.name().toLowerCase(Locale.ROOT))
                            .strongReference(true)
                            .register(registry);
                }
                Gauge.builder("resilience4j.circuitbreaker.failure.rate", breaker,
                                b -> b.getMetrics().getFailureRate())
                        .description("Failure rate of the replica's last calls, -1 before the minimum number of calls")
                        .tag("name", breaker.getName())
                        .baseUnit("percent")
                        .strongReference(true)
                        .register(registry);
            }
        };
    }
}
