package io.berth.scheduler.service;

import io.berth.apimachinery.client.ApiCalls;
import io.berth.scheduler.api.Evictions;
import io.berth.scheduler.config.SchedulerProperties;
import io.berth.scheduler.framework.Framework;
import io.berth.scheduler.plugins.DefaultProfile;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;

/** Wires the scheduler: its API client (its own token, the cluster CA), the default profile and the service. */
@Configuration(proxyBeanMethods = false)
class SchedulerConfiguration {

    @Bean(destroyMethod = "close")
    KubernetesClient schedulerClient(SchedulerProperties props, @Value("${berth.pki.dir}") Path pkiDir) {
        if (props.tokenFile() == null) {
            throw new IllegalStateException("berth.scheduler.token-file is required: the scheduler's token "
                    + "(user system:kube-scheduler)");
        }
        String token;
        try {
            token = Files.readString(props.tokenFile(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read berth.scheduler.token-file " + props.tokenFile(), e);
        }
        Path ca = props.caFile() != null ? props.caFile() : pkiDir.resolve("ca.crt");
        if (!Files.isReadable(ca)) {
            throw new IllegalStateException("cannot read the cluster CA certificate " + ca
                    + " (berth.scheduler.ca-file, default ca.crt in berth.pki.dir)");
        }
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(props.apiServer().toString())
                .withCaCertFile(ca.toString())
                .withOauthToken(token)
                .withUserAgent("berth-scheduler")
                .withConnectionTimeout(5_000)
                .withRequestTimeout(10_000)
                .withRequestRetryBackoffLimit(3)
                .withRequestRetryBackoffInterval(200)
                .withWatchReconnectInterval(1_000)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    @Bean
    ApiCalls apiCalls(KubernetesClient client, SchedulerProperties props) {
        return new ApiCalls(client, props.bindingsInFlight());
    }

    @Bean
    NamespaceCache namespaces() {
        return new NamespaceCache();
    }

    @Bean
    Framework framework(SchedulerProperties props, ApiCalls api, KubernetesClient client, NamespaceCache namespaces) {
        return DefaultProfile.framework(props.scoringStrategy(), props.disabledPlugins(), props.weights(),
                new Evictions(api, client.getKubernetesSerialization(), Clock.systemUTC()), namespaces);
    }

    @Bean
    SchedulerService schedulerService(KubernetesClient client, ApiCalls api, SchedulerProperties props,
                                      Framework framework, MeterRegistry registry, NamespaceCache namespaces) {
        String identity = props.leaderElection().identity();
        if (identity == null || identity.isEmpty()) {
            identity = hostName() + "_" + UUID.randomUUID();
        }
        return new SchedulerService(client, api, props, framework, registry, Clock.systemUTC(), identity,
                namespaces);
    }

    /** Readiness: the informers have listed pods, nodes and namespaces (so a standby is warm when it takes over). */
    @Bean
    HealthIndicator scheduler(SchedulerService service) {
        return () -> service.hasSynced()
                ? Health.up().withDetail("leading", service.isLeading()).build()
                : Health.outOfService().withDetail("reason", "pods, nodes and namespaces not listed yet").build();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "scheduler";
        }
    }
}
