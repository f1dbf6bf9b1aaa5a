package io.berth.controller.service;

import io.berth.apimachinery.client.ApiCalls;
import io.berth.apimachinery.client.ComponentClients;
import io.berth.controller.config.ControllerProperties;
import io.berth.controller.runtime.ControllerDefinition;
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
import java.util.List;
import java.util.UUID;

/** Wires the controller manager: its API client (its own token, the cluster CA), the controllers and the manager. */
@Configuration(proxyBeanMethods = false)
class ControllerConfiguration {

    @Bean(destroyMethod = "close")
    KubernetesClient controllerClient(ControllerProperties props, @Value("${berth.pki.dir}") Path pkiDir) {
        Path ca = props.caFile() != null ? props.caFile() : pkiDir.resolve("ca.crt");
        return ComponentClients.create("berth.controller", "system:kube-controller-manager", props.apiServer(), props.tokenFile(), ca,
                "berth-controller-manager");
    }

    @Bean
    ApiCalls controllerApiCalls(KubernetesClient client, ControllerProperties props) {
        return new ApiCalls(client, props.writesInFlight());
    }

    @Bean
    ControllerManager controllerManager(KubernetesClient client, ApiCalls api, ControllerProperties props,
                                        List<ControllerDefinition> controllers, MeterRegistry registry) {
        String identity = props.leaderElection().identity();
        if (identity == null || identity.isEmpty()) {
            identity = hostName() + "_" + UUID.randomUUID();
        }
        List<ControllerDefinition> enabled = controllers.stream().filter(c -> props.enabled(c.name())).toList();
        return new ControllerManager(client, api, props.leaderElection(), enabled, registry, Clock.systemUTC(),
                identity);
    }

    /** Readiness: started (leader or standby); the details say whether it leads and its caches have synced. */
    @Bean
    HealthIndicator controllers(ControllerManager manager) {
        return () -> Health.up().withDetail("leading", manager.isLeading())
                .withDetail("synced", manager.hasSynced()).build();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "controller-manager";
        }
    }
}
