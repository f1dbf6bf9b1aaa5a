package io.berth.scheduler.service;

import io.berth.apimachinery.client.ApiCalls;
import io.berth.apimachinery.client.ComponentClients;
import io.berth.scheduler.api.Evictions;
import io.berth.scheduler.config.SchedulerProperties;
import io.berth.scheduler.framework.Framework;
import io.berth.scheduler.plugins.DefaultProfile;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;

/** Wires the scheduler: its API client (its own token, the cluster CA), the default profile and the service. */
@Configuration(proxyBeanMethods = false)
class SchedulerConfiguration {

    @Bean(destroyMethod = "close")
    KubernetesClient schedulerClient(SchedulerProperties props, @Value("${berth.pki.dir}") Path pkiDir) {
        Path ca = props.caFile() != null ? props.caFile() : pkiDir.resolve("ca.crt");
        return ComponentClients.create("berth.scheduler", "system:kube-scheduler", props.apiServer(), props.tokenFile(), ca,
                "berth-scheduler");
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
