package io.berth.gateway.config;

import io.berth.apimachinery.authorizer.ClusterAuthorizer;
import io.berth.apimachinery.authorizer.NodeAuthorizer;
import io.berth.apimachinery.rbac.RbacAuthorizer;
import io.berth.apimachinery.rbac.RuleResolver;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.gateway.authn.AuthenticationFilter;
import io.berth.gateway.authn.TokenFile;
import io.berth.gateway.authz.AuthorizationFilter;
import io.berth.gateway.informers.ClusterInformers;
import io.berth.gateway.informers.InformerViews;
import io.berth.gateway.informers.InformersHealth;
import io.berth.gateway.routing.ApiServerDiscoveryClient;
import io.berth.gateway.routing.ApiServerInstances;
import io.berth.gateway.routing.PassiveHealthFilter;
import io.berth.gateway.routing.WatchHeadersFilter;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.PrematureCloseException;

import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** Wires authentication, authorization and routing over the api-service replicas. */
@Configuration(proxyBeanMethods = false)
public class GatewayConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    TokenFile tokenFile(GatewayProperties props, Clock clock) {
        return new TokenFile(props.tokenFile(), clock, props.tokenFileRecheck());
    }

    /** The informers every per-request decision reads; started at once, synced in the background. */
    @Bean(initMethod = "start", destroyMethod = "close")
    ClusterInformers clusterInformers(GatewayProperties props, @Value("${berth.pki.dir}") Path pkiDir) {
        return new ClusterInformers(props.apiServers(), pkiDir);
    }

    @Bean
    InformersHealth informersHealthIndicator(ClusterInformers informers) {
        return new InformersHealth(informers);
    }

    @Bean
    RuleResolver ruleResolver(ClusterInformers informers) {
        return new RuleResolver(InformerViews.rbac(informers));
    }

    @Bean
    ClusterAuthorizer clusterAuthorizer(ClusterInformers informers, RuleResolver resolver) {
        return new ClusterAuthorizer(new NodeAuthorizer(InformerViews.nodeGraph(informers), ResourceRegistry.builtIn()),
                new RbacAuthorizer(resolver), informers::hasSynced);
    }

    @Bean
    AuthenticationFilter authenticationFilter(TokenFile tokens) {
        return new AuthenticationFilter(List.of(tokens::authenticate));
    }

    @Bean
    AuthorizationFilter authorizationFilter(ClusterAuthorizer authorizer) {
        return new AuthorizationFilter(authorizer);
    }

    @Bean
    ApiServerInstances apiServerInstances(GatewayProperties props, Clock clock) {
        return new ApiServerInstances(props.apiServers(), clock, props.ejectFor());
    }

    @Bean
    ApiServerDiscoveryClient apiServerDiscoveryClient(ApiServerInstances instances) {
        return new ApiServerDiscoveryClient(instances);
    }

    /**
     * HTTP/1.1 towards the api-service: WebSocket watches cannot be proxied over an HTTP/2 upstream connection
     * (that needs extended CONNECT), and a keep-alive pool serves the short requests at least as well.
     */
    @Bean
    HttpClientCustomizer http11Upstream() {
        return client -> client.protocol(HttpProtocol.HTTP11);
    }

    @Bean
    WatchHeadersFilter watchHeadersFilter() {
        return new WatchHeadersFilter();
    }

    @Bean
    PassiveHealthFilter passiveHealthFilter(ApiServerInstances instances) {
        return new PassiveHealthFilter(instances);
    }

    /**
     * Everything goes to the api-service replicas, round robin. A GET (or HEAD) whose connection fails is retried on
     * the next replica; other methods are not retried, since the first attempt may have been applied.
     */
    @Bean
    RouteLocator apiRoutes(RouteLocatorBuilder routes, ApiServerInstances instances) {
        int retries = Math.max(1, instances.all().size());
        return routes.routes()
                .route("kubernetes-api", r -> r.path("/**")
                        .filters(f -> f.retry(c -> c.setRetries(retries)
                                .setMethods(HttpMethod.GET, HttpMethod.HEAD)
                                .setSeries()
                                .setExceptions(ConnectException.class, PrematureCloseException.class)))
                        .uri("lb://" + ApiServerInstances.SERVICE_ID))
                .build();
    }
}
