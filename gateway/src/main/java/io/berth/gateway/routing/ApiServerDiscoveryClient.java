package io.berth.gateway.routing;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import reactor.core.publisher.Flux;

/** Feeds Spring Cloud LoadBalancer's round robin with the api-service replicas that are in the rotation. */
public final class ApiServerDiscoveryClient implements ReactiveDiscoveryClient {

    private final ApiServerInstances instances;

    public ApiServerDiscoveryClient(ApiServerInstances instances) {
        this.instances = instances;
    }

    @Override
    public String description() {
        return "Berth api-service replicas from berth.gateway.api-servers";
    }

    @Override
    public Flux<ServiceInstance> getInstances(String serviceId) {
        return ApiServerInstances.SERVICE_ID.equals(serviceId)
                ? Flux.fromIterable(instances.available()) : Flux.empty();
    }

    @Override
    public Flux<String> getServices() {
        return Flux.just(ApiServerInstances.SERVICE_ID);
    }
}
