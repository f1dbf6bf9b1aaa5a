package io.berth.gateway.limits;

import io.berth.gateway.config.ManagementPort;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Schedulers;

/**
 * Installs the {@link LimitsFilter} (a WebFilter: WebFlux picks it up and orders it by {@link LimitsFilter#ORDER})
 * unless {@code berth.gateway.limits.enabled=false}. The seats of every level are Resilience4j bulkheads, published
 * as {@code resilience4j_bulkhead_*{name=<level>}} next to the flow-control metrics.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "berth.gateway.limits.enabled", matchIfMissing = true)
public class LimitsConfiguration {

    @Bean
    LimitsFilter limitsFilter(LimitsProperties props, MeterRegistry meters, ManagementPort management) {
        BulkheadRegistry bulkheads = BulkheadRegistry.ofDefaults();
        LimitsFilter filter = new LimitsFilter(props, meters, bulkheads, Schedulers.parallel(), management);
        TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(meters);
        return filter;
    }
}
