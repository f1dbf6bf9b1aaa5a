package io.berth.gateway.audit;

import com.zaxxer.hikari.HikariDataSource;
import io.berth.apimachinery.auth.UserInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Which beans the audit configuration contributes, and that the wiring's AuditAccess replaces the default. */
class AuditConfigurationTest {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withBean(DataSource.class, () -> {
                    HikariDataSource ds = new HikariDataSource();
                    ds.setJdbcUrl("jdbc:h2:file:" + dir.resolve("audit") + ";DB_CLOSE_ON_EXIT=FALSE");
                    return ds;
                });
    }

    /** Stands for the gateway's wiring, processed after the audit configuration as component scanning does. */
    @Configuration(proxyBeanMethods = false)
    static class Wiring {
        static final AuditAccess EVERYONE_SEES_TEAM = new AuditAccess() {
            @Override
            public boolean seesAll(UserInfo user) {
                return false;
            }

            @Override
            public Set<String> adminNamespaces(UserInfo user) {
                return Set.of("team");
            }
        };

        @Bean
        AuditAccess realAuthorizer() {
            return EVERYONE_SEES_TEAM;
        }
    }

    @Test
    void withoutAnAuditAccessOnlySystemMastersSeeTheTrail() {
        runner().withUserConfiguration(AuditConfiguration.class).run(context -> {
            assertThat(context).hasSingleBean(AuditAccess.class).hasSingleBean(AuditFilter.class)
                    .hasSingleBean(AuditWriter.class).hasSingleBean(AuditHandler.class);
            AuditAccess access = context.getBean(AuditAccess.class);
            assertThat(access.seesAll(UserInfo.of("admin", "", List.of("system:masters")))).isTrue();
            assertThat(access.seesAll(UserInfo.of("alice", "", List.of("devs")))).isFalse();
            assertThat(access.adminNamespaces(UserInfo.of("alice", "", List.of("devs")))).isEmpty();
        });
    }

    @Test
    void theWiringsAuditAccessReplacesTheDefaultEvenWhenDeclaredLater() {
        runner().withUserConfiguration(AuditConfiguration.class, Wiring.class).run(context -> {
            assertThat(context).hasSingleBean(AuditAccess.class);
            assertThat(context.getBean(AuditAccess.class)).isSameAs(Wiring.EVERYONE_SEES_TEAM);
        });
    }

    @Test
    void aDisabledTrailContributesNothing() {
        runner().withPropertyValues("berth.gateway.audit.enabled=false")
                .withUserConfiguration(AuditConfiguration.class).run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(AuditFilter.class).doesNotHaveBean(AuditWriter.class)
                            .doesNotHaveBean(AuditAccess.class);
                });
    }

    @Test
    void aBodyLimitBeyondTheColumnIsRefusedAtStart() {
        runner().withPropertyValues("berth.gateway.audit.body-limit=2MB")
                .withUserConfiguration(AuditConfiguration.class).run(context ->
                        assertThat(context).hasFailed().getFailure().hasRootCauseMessage(
                                "berth.gateway.audit.body-limit must be between 0 and 524288B"));
    }
}
