package io.berth.gateway.informers;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** Readiness: the gateway can authorize only once every informer has its first list. */
public final class InformersHealth implements HealthIndicator {

    private final ClusterInformers informers;

    public InformersHealth(ClusterInformers informers) {
        this.informers = informers;
    }

    @Override
    public Health health() {
        return informers.hasSynced() ? Health.up().build()
                : Health.outOfService().withDetail("waitingFor", informers.unsynced()).build();
    }
}
