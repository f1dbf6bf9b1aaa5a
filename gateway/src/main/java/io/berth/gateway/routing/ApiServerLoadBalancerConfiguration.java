package io.berth.gateway.routing;

import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.context.annotation.Bean;

/**
 * The api-service's load balancer, registered by {@code @LoadBalancerClient} in Spring Cloud LoadBalancer's own
 * context for the service. Deliberately not a {@code @Configuration}: component scanning must not put it in the
 * application context, where it would replace every service's load balancer.
 */
final class ApiServerLoadBalancerConfiguration {

    @Bean
    ReactorServiceInstanceLoadBalancer apiServerLoadBalancer(ApiServerInstances instances) {
        return new ApiServerLoadBalancer(instances);
    }
}
