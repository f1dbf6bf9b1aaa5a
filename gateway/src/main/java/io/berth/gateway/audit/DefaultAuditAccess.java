package io.berth.gateway.audit;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link AuditAccess#mastersOnly()} unless the gateway's wiring declares an {@link AuditAccess}. Not a
 * {@code @Configuration}: component scanning must not find it, {@link AuditConfiguration} imports it last.
 */
class DefaultAuditAccess {

    @Bean
    @ConditionalOnMissingBean(AuditAccess.class)
    AuditAccess auditAccess() {
        return AuditAccess.mastersOnly();
    }
}
