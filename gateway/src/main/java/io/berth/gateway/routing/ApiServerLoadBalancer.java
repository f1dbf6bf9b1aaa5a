package io.berth.gateway.routing;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import reactor.core.publisher.Mono;

import java.util.Set;

/**
 * Spring Cloud LoadBalancer's choice of api-service replica: round robin over the replicas whose circuit breaker
 * permits a call ({@link ApiServerInstances#choose}). A retried request carries the set of replicas it already
 * tried in {@link #TRIED_ATTRIBUTE}, so each attempt goes to another replica while one is left. Thread safe.
 */
public final class ApiServerLoadBalancer implements ReactorServiceInstanceLoadBalancer {

    /** Exchange attribute: a mutable {@code Set<String>} of the replica addresses this request already tried. */
    public static final String TRIED_ATTRIBUTE = "berth.routing.tried";

    private final ApiServerInstances instances;

    public ApiServerLoadBalancer(ApiServerInstances instances) {
        this.instances = instances;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Mono<Response<ServiceInstance>> choose(Request request) {
        Set<String> tried = tried(request);
        ApiServerInstances.Choice choice = instances.choose(tried == null ? Set.of() : tried);
        if (tried != null) {
            tried.add(choice.replica().address());
        }
        return Mono.just(choice);
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Set<String> tried(Request request) {
        if (request != null && request.getContext() instanceof RequestDataContext context
                && context.getClientRequest() != null && context.getClientRequest().getAttributes() != null) {
            Object tried = context.getClientRequest().getAttributes().get(TRIED_ATTRIBUTE);
            if (tried instanceof Set set) {
                return (Set<String>) set;
            }
        }
        return null;
    }
}
