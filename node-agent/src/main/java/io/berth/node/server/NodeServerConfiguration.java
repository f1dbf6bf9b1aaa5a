package io.berth.node.server;

import io.berth.node.pods.PodLocator;
import io.berth.node.simulate.SimulatedMode;
import io.berth.node.runtime.ContainerRuntime;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import java.time.Clock;

/**
 * The node agent's logs/exec endpoint, served on {@code server.port} (= {@code berth.node.port}, the kubelet's 10250)
 * over HTTPS with the {@code kubelet-serving} certificate, for the api-service only (application.yml and
 * {@link ApiServerClientFilter}). The paths are the kubelet's:
 * <ul>
 *   <li>{@code GET /containerLogs/{namespace}/{pod}/{container}} with {@code follow}, {@code previous},
 *       {@code timestamps}, {@code sinceSeconds} or {@code sinceTime}, {@code tailLines}, {@code limitBytes}
 *       ({@link io.berth.apimachinery.streaming.PodLogOptions}): {@code text/plain}, see {@link ContainerLogs};</li>
 *   <li>{@code GET /exec/{namespace}/{pod}/{container}?command=..&command=..&stdin=&stdout=&stderr=&tty=}
 *       ({@link io.berth.apimachinery.streaming.PodExecOptions}): a WebSocket upgrade in
 *       {@code v5.channel.k8s.io} or {@code v4.channel.k8s.io}, see {@link ContainerExec}.</li>
 * </ul>
 * Errors are Kubernetes Status bodies with their code. Needs a {@link PodLocator} and a {@link ContainerRuntime} bean.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(SimulatedMode.Off.class)
public class NodeServerConfiguration {

    @Bean
    ApiServerClientFilter apiServerClientFilter(@Value("${management.server.port:-1}") int managementPort) {
        return new ApiServerClientFilter(managementPort);
    }

    @Bean
    ContainerLogs containerLogs(PodLocator locator) {
        return new ContainerLogs(locator, Clock.systemUTC(), ContainerLogs.POLL);
    }

    @Bean(destroyMethod = "close")
    ContainerExec containerExec(PodLocator locator, ContainerRuntime runtime) {
        return new ContainerExec(locator, runtime);
    }

    @Bean
    RouterFunction<ServerResponse> nodeServerRoutes(ContainerLogs logs, ContainerExec exec) {
        return RouterFunctions.route(RequestPredicates.GET("/containerLogs/{namespace}/{pod}/{container}"),
                        logs::handle)
                .andRoute(RequestPredicates.path("/exec/{namespace}/{pod}/{container}")
                        .and(RequestPredicates.method(org.springframework.http.HttpMethod.GET)
                                .or(RequestPredicates.method(org.springframework.http.HttpMethod.POST))), exec::handle);
    }
}
