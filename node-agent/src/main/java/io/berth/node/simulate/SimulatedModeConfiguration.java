package io.berth.node.simulate;

import io.berth.node.client.ApiClients;
import io.berth.node.config.NodeProperties;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import java.nio.file.Path;
import java.time.Clock;

/**
 * Simulated mode's wiring, present only when {@code berth.node.simulate.count > 0} ({@link SimulatedMode.On}).
 *
 * <p>Readiness: Spring Boot turns the readiness state to ACCEPTING_TRAFFIC only after every
 * {@link ApplicationRunner} has returned, so the runner that starts the simulated nodes and waits for
 * {@link SimulatedNodes#registered()} makes {@code /actuator/health/readiness} answer 200 exactly when every node is
 * registered and the pod informer has listed; until then it answers 503, and the liveness probe answers 200.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(SimulatedMode.On.class)
class SimulatedModeConfiguration {

    /** The simulator's own client: its token ({@code system:berth-simulator}), not a node credential. */
    @Bean(destroyMethod = "close")
    KubernetesClient simulatorClient(NodeProperties props, Environment environment) {
        Path tokenFile = props.simulate().tokenFile();
        if (tokenFile == null) {
            throw new IllegalStateException("berth.node.simulate.token-file is required in simulated mode: a file "
                    + "holding the token of system:berth-simulator (bin/berth writes one into tokens.csv)");
        }
        Path pkiDir = Path.of(environment.getProperty("berth.pki.dir", ".berth/pki"));
        return ApiClients.connect(props, pkiDir, ApiClients.readToken(tokenFile));
    }

    @Bean(destroyMethod = "close")
    SimulatedNodes simulatedNodes(NodeProperties props, KubernetesClient simulatorClient,
                                  ObjectProvider<MeterRegistry> registry) {
        return new SimulatedNodes(props, simulatorClient, registry.getIfAvailable(SimpleMeterRegistry::new),
                Clock.systemUTC());
    }

    /** Starts the simulated nodes after the context is up and holds readiness back until they are registered. */
    @Bean
    ApplicationRunner simulatedNodesStarter(SimulatedNodes nodes) {
        return args -> {
            nodes.start();
            nodes.registered().join();
        };
    }

    @Bean
    HealthIndicator simulatedNodesHealthIndicator(SimulatedNodes nodes) {
        return () -> {
            Health.Builder health = nodes.registeredCount() == nodes.count() ? Health.up() : Health.outOfService();
            return health.withDetail("nodes", nodes.count())
                    .withDetail("registered", nodes.registeredCount())
                    .withDetail("leaseRenewals", nodes.renewals())
                    .withDetail("lateLeaseRenewals", nodes.lateRenewals())
                    .withDetail("pods", nodes.pods())
                    .build();
        };
    }
}
