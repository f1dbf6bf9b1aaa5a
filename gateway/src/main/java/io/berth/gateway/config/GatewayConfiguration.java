package io.berth.gateway.config;

import io.berth.apimachinery.authorizer.ClusterAuthorizer;
import io.berth.apimachinery.authorizer.NodeAuthorizer;
import io.berth.apimachinery.rbac.RbacAuthorizer;
import io.berth.apimachinery.rbac.RuleResolver;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.gateway.authn.AuthenticationFilter;
import io.berth.gateway.authn.BootstrapTokenAuthenticator;
import io.berth.gateway.authn.CredentialLookups;
import io.berth.gateway.authn.ServiceAccountTokenAuthenticator;
import io.berth.gateway.authn.TokenAuthenticator;
import io.berth.gateway.authn.TokenFile;
import io.berth.gateway.audit.AuditAccess;
import io.berth.gateway.authz.AuthorizationFilter;
import io.berth.gateway.authz.ImpersonationFilter;
import io.berth.gateway.authz.RbacAuditAccess;
import io.berth.gateway.informers.ClusterInformers;
import io.berth.gateway.informers.InformerViews;
import io.berth.gateway.informers.InformersHealth;
import io.berth.gateway.routing.ApiServerDiscoveryClient;
import io.berth.gateway.routing.ApiServerInstances;
import io.berth.gateway.routing.PassiveHealthFilter;
import io.berth.gateway.routing.WatchHeadersFilter;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.http.HttpProtocol;

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
    AuditAccess auditAccess(ClusterAuthorizer authorizer, ClusterInformers informers) {
        return new RbacAuditAccess(authorizer, informers);
    }

    @Bean
    ManagementPort managementPort(@Value("${management.server.port:-1}") int port) {
        return new ManagementPort(port);
    }

    @Bean
    AuthenticationFilter authenticationFilter(TokenFile tokens, ClusterInformers informers, GatewayProperties props,
                                              @Value("${berth.pki.dir}") Path pkiDir, Clock clock,
                                              ManagementPort management) {
        Path keyFile = props.serviceAccountKeyFile() != null ? props.serviceAccountKeyFile()
                : pkiDir.resolve("sa.pub");
        TokenAuthenticator bootstrap = new BootstrapTokenAuthenticator(InformerViews.missingIfNotCached(informers),
                clock);
        return new AuthenticationFilter(
                List.of(tokens::authenticate, signedTokens(keyFile, props, InformerViews.credentials(informers), clock),
                        bootstrap),
                List.of(tokens::authenticate,
                        signedTokens(keyFile, props, InformerViews.liveCredentials(informers), clock), bootstrap),
                management);
    }

    private static TokenAuthenticator signedTokens(Path keyFile, GatewayProperties props, CredentialLookups lookups,
                                                   Clock clock) {
        return ServiceAccountTokenAuthenticator.fromKeyFile(keyFile, props.serviceAccountIssuer(), props.apiAudiences(),
                lookups, clock);
    }

    @Bean
    ImpersonationFilter impersonationFilter(ClusterAuthorizer authorizer, ManagementPort management) {
        return new ImpersonationFilter(authorizer, management);
    }

    @Bean
    AuthorizationFilter authorizationFilter(ClusterAuthorizer authorizer, ManagementPort management) {
        return new AuthorizationFilter(authorizer, management);
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
}
