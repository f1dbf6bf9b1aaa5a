package io.berth.apiserver.config;

import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.storage.EtcdKeys;
import io.berth.apiserver.admission.Admission;
import io.berth.apiserver.admission.AdmissionProperties;
import io.berth.apiserver.auth.FrontProxyAuthenticator;
import io.berth.apiserver.authz.Authorization;
import io.berth.apiserver.bootstrap.Bootstrap;
import io.berth.apiserver.credentials.CredentialProperties;
import io.berth.apiserver.credentials.Credentials;
import io.berth.apiserver.housekeeping.Compactor;
import io.berth.apiserver.housekeeping.EventLeases;
import io.berth.apiserver.nodeagent.NodeAgentClient;
import io.berth.apiserver.nodeagent.NodeAgentProperties;
import io.berth.apiserver.openapi.OpenApiDocuments;
import io.berth.apiserver.rest.ApiHandler;
import io.berth.apiserver.rest.ApiMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.berth.apiserver.storage.EtcdStore;
import io.berth.apiserver.storage.ValueTransformer;
import io.berth.apiserver.watch.WatchCaches;
import io.etcd.jetcd.Client;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import javax.net.ssl.SSLException;
import java.time.Clock;
import java.time.Duration;

/** Wires the api-service: etcd client, store, watch caches, admission, the API handler and its front-proxy filter. */
@Configuration(proxyBeanMethods = false)
public class ApiServerConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ApiServerConfiguration.class);

    @Bean
    ResourceRegistry resourceRegistry() {
        return ResourceRegistry.builtIn();
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean(destroyMethod = "close")
    Client etcdClient(EtcdProperties etcd, PkiProperties pki) throws SSLException {
        var builder = Client.builder()
                .endpoints(etcd.endpoints().toArray(String[]::new))
                .connectTimeout(Duration.ofSeconds(5))
                .keepaliveTime(Duration.ofSeconds(30))
                .maxInboundMessageSize(64 * 1024 * 1024);
        if (etcd.endpoints().stream().anyMatch(e -> e.startsWith("https"))) {
            builder.sslContext(ssl -> ssl
                    .trustManager(etcd.caFile(pki.dir()).toFile())
                    .keyManager(etcd.certFile(pki.dir()).toFile(), etcd.keyFile(pki.dir()).toFile()));
        }
        return builder.build();
    }

    @Bean
    EtcdStore etcdStore(Client client, EtcdProperties etcd, ApiServerProperties props) {
        return new EtcdStore(client, new EtcdKeys(etcd.prefix()), ValueTransformer.IDENTITY,
                props.maxObjectSize().toBytes());
    }

    @Bean(destroyMethod = "close")
    WatchCaches watchCaches(ResourceRegistry registry, EtcdStore store, Client client, ApiServerProperties props) {
        WatchCaches caches = new WatchCaches(registry, store, client, props);
        caches.start();
        return caches;
    }

    /** The system namespaces, the default RBAC policy and the system priority classes, created once caches load. */
    @Bean(destroyMethod = "close")
    Bootstrap bootstrap(EtcdStore store, ResourceRegistry registry, WatchCaches caches, Clock clock) {
        Bootstrap bootstrap = new Bootstrap(store, registry, caches, clock);
        bootstrap.start();
        return bootstrap;
    }

    /** The cluster's authorizer chain over the watch caches: access reviews and escalation checks. */
    @Bean
    Authorization authorization(ResourceRegistry registry, EtcdStore store, WatchCaches caches,
                                ApiServerProperties props) {
        return Authorization.overCaches(registry, store, caches, props.resourceVersionWait());
    }

    @Bean
    Admission admission(ResourceRegistry registry, EtcdStore store, WatchCaches caches, Authorization authorization,
                        ApiServerProperties props, AdmissionProperties admissionProps) {
        return new Admission(registry, store, caches, authorization, props.resourceVersionWait(), admissionProps);
    }

    @Bean
    EventLeases eventLeases(Client client, Clock clock, ApiServerProperties props) {
        return new EventLeases(client, clock, props.eventTtl());
    }

    @Bean(destroyMethod = "close")
    Compactor compactor(Client client, EtcdStore store, ApiServerProperties props) {
        return new Compactor(client, store.keys(), props.compactionInterval());
    }

    @Bean
    OpenApiDocuments openApiDocuments(ResourceRegistry registry) {
        OpenApiDocuments documents = new OpenApiDocuments(registry);
        // built in the background so the first kubectl request does not wait for them
        Thread warm = new Thread(() -> {
            documents.v3Root();
            documents.v2();
        }, "openapi-warmup");
        warm.setDaemon(true);
        warm.start();
        return documents;
    }

    /** The signing key is read here: a missing or mismatched key file fails start-up with a message naming it. */
    @Bean
    Credentials credentials(CredentialProperties props, PkiProperties pki, ResourceRegistry registry, EtcdStore store,
                            Admission admission, Clock clock) {
        return Credentials.load(props, pki.dir(), registry, store, admission, clock);
    }

    /** The client of the node agents' logs/exec endpoint; its certificate files are read here, at start. */
    @Bean
    NodeAgentClient nodeAgentClient(PkiProperties pki, NodeAgentProperties props) {
        return NodeAgentClient.fromPki(pki.dir(), props);
    }

    @Bean
    ApiHandler apiHandler(ResourceRegistry registry, EtcdStore store, WatchCaches caches, Admission admission,
                          EventLeases leases, ApiServerProperties props, Clock clock, OpenApiDocuments openApi,
                          MeterRegistry meters, Credentials credentials, NodeAgentClient agents) {
        return ApiHandler.create(registry, store, caches, admission, leases, props, clock, openApi,
                new ApiMetrics(meters), credentials, agents);
    }

    @Bean
    RouterFunction<ServerResponse> kubernetesApi(ApiHandler handler, ApiServerProperties props) {
        return RouterFunctions.route(RequestPredicates.all(), handler::handle)
                .filter(new FrontProxyAuthenticator(props.frontProxyAllowedNames()));
    }

    /**
     * Ready once every watch cache holds its resource and the system namespaces, default RBAC policy and system
     * priority classes exist (readiness group, application.yml).
     */
    @Bean
    HealthIndicator watchCachesHealthIndicator(WatchCaches caches, Bootstrap bootstrap) {
        return () -> {
            if (!caches.isReady()) {
                return Health.outOfService().withDetail("watchCaches", "loading").build();
            }
            return bootstrap.isDone() ? Health.up().build()
                    : Health.outOfService().withDetail("bootstrap", "creating the default policy").build();
        };
    }
}
