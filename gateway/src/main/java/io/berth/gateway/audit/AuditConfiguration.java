package io.berth.gateway.audit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DeferredImportSelector;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.scheduler.Schedulers;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * The audit trail: the {@link AuditFilter} on every request, the {@link AuditWriter} and its store (the primary
 * {@link DataSource}: embedded H2 under {@code berth.gateway.audit.path}, or whatever {@code spring.datasource.url}
 * names), and {@code GET /audit/v1/events} as a {@link RouterFunction} (its mapping runs before Spring Cloud Gateway's
 * routes). Off entirely with {@code berth.gateway.audit.enabled=false}.
 *
 * <p>The schema is created here at start-up rather than through {@code spring.sql.init}: it then follows
 * {@code enabled}, and stays the audit trail's own whatever else uses SQL initialization. An unreachable database fails
 * the start (as Spring Data JDBC's dialect detection already does), so a misconfigured trail is seen at once; once
 * running, store failures never reach requests.
 *
 * <p>{@link AuditAccess} defaults to {@link AuditAccess#mastersOnly()} when no other bean provides it. That default is
 * imported after every other configuration class (a {@link DeferredImportSelector}, as auto-configurations are), so
 * {@code @ConditionalOnMissingBean} sees a bean the wiring declares anywhere.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuditProperties.class)
@ConditionalOnBooleanProperty(name = "berth.gateway.audit.enabled", matchIfMissing = true)
@Import(AuditConfiguration.Defaults.class)
public class AuditConfiguration {

    /** How long a stopping gateway spends writing the queued events. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

    @Bean
    JdbcAuditStore auditStore(DataSource dataSource) {
        JdbcAuditStore store = new JdbcAuditStore(dataSource);
        store.createSchema();
        return store;
    }

    @Bean
    AuditWriter auditWriter(AuditStore store, AuditProperties props, ObjectProvider<MeterRegistry> meters) {
        AuditWriter writer = new AuditWriter(store, props, meters.getIfAvailable(SimpleMeterRegistry::new),
                Clock.systemUTC(), DRAIN_TIMEOUT);
        writer.start();
        return writer;
    }

    @Bean
    AuditFilter auditFilter(AuditWriter writer, AuditProperties props, ApplicationContext context) {
        return new AuditFilter(writer, (int) props.bodyLimit().toBytes(), Clock.systemUTC(), context);
    }

    @Bean
    AuditHandler auditHandler(AuditStore store, AuditAccess access) {
        return new AuditHandler(store, access, Schedulers.boundedElastic());
    }

    @Bean
    RouterFunction<ServerResponse> auditRoutes(AuditHandler handler) {
        return route(GET(AuditHandler.PATH), handler::list);
    }

    /** Creates the embedded database's folder private (0700) before H2 would create it world-readable. */
    @Bean
    static BeanPostProcessor auditDatabaseFolder(Environment environment) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof DataSource) {
                    PrivateFolder.forH2Url(environment.getProperty("spring.datasource.url"));
                }
                return bean;
            }
        };
    }

    /** Imports {@link DefaultAuditAccess} after all other configuration, so its condition sees every bean. */
    static final class Defaults implements DeferredImportSelector {
        @Override
        public String[] selectImports(AnnotationMetadata metadata) {
            return new String[] {DefaultAuditAccess.class.getName()};
        }
    }
}
