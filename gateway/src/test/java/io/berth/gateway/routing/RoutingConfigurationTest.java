package io.berth.gateway.routing;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.gateway.handler.predicate.PathRoutePredicateFactory;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.http.client.HttpClient;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RoutingConfigurationTest {

    @Configuration(proxyBeanMethods = false)
    static class Collaborators {
        @Bean
        ApiServerInstances apiServerInstances() {
            return new ApiServerInstances(List.of(URI.create("https://127.0.0.1:8081")), Clock.systemUTC(),
                    Duration.ofSeconds(5));
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        HttpClient gatewayHttpClient() {
            return HttpClient.create();
        }

        @Bean
        PathRoutePredicateFactory pathRoutePredicateFactory() {
            return new PathRoutePredicateFactory(new org.springframework.boot.webflux.autoconfigure.WebFluxProperties());
        }

        @Bean
        RouteLocatorBuilder routeLocatorBuilder(ConfigurableApplicationContext context) {
            return new RouteLocatorBuilder(context);
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LoadBalancerAutoConfiguration.class))
            .withUserConfiguration(Collaborators.class, RoutingConfiguration.class);

    @Test
    void theApiServiceIsBalancedByTheCircuitBreakingLoadBalancerAndOnlyIt() {
        runner.run(context -> {
            LoadBalancerClientFactory factory = context.getBean(LoadBalancerClientFactory.class);

            assertThat(factory.getInstance(ApiServerInstances.SERVICE_ID, ReactorServiceInstanceLoadBalancer.class))
                    .isInstanceOf(ApiServerLoadBalancer.class);
            assertThat(factory.getInstance("another-service", ReactorServiceInstanceLoadBalancer.class))
                    .isNotInstanceOf(ApiServerLoadBalancer.class);
            assertThat(context.getBeansOfType(ReactorServiceInstanceLoadBalancer.class))
                    .as("not in the application context").isEmpty();
        });
    }

    @Test
    void theRouteSendsEverythingToTheReplicasAheadOfOtherCatchAllRoutes() {
        runner.run(context -> {
            Route route = context.getBean(RouteLocator.class).getRoutes().blockFirst();

            assertThat(route.getId()).isEqualTo(RoutingConfiguration.ROUTE_ID);
            assertThat(route.getOrder()).isNegative();
            assertThat(route.getUri()).isEqualTo(URI.create("lb://api-service"));
            assertThat(route.getFilters()).anySatisfy(f -> assertThat(f.toString()).contains("ReplicaRetryFilter"));
        });
    }

    @Test
    void everyReplicasBreakerStateIsAMetric() {
        runner.run(context -> {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            context.getBean("replicaBreakerMetrics", MeterBinder.class).bindTo(registry);

            assertThat(registry.get("resilience4j.circuitbreaker.state").tags("name", "127.0.0.1:8081",
                    "state", "closed").gauge().value()).isEqualTo(1);
            assertThat(registry.get("resilience4j.circuitbreaker.state").tags("name", "127.0.0.1:8081",
                    "state", "open").gauge().value()).isZero();
        });
    }
}
