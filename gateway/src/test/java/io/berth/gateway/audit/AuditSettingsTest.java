package io.berth.gateway.audit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit block of application.yml: the embedded database follows the audit path unless the URL is set. */
class AuditSettingsTest {

    private static StandardEnvironment environment(Map<String, Object> commandLine) throws IOException {
        List<PropertySource<?>> documents = new YamlPropertySourceLoader()
                .load("application.yml", new ClassPathResource("application.yml"));
        StandardEnvironment env = new StandardEnvironment();
        // later documents win, as Boot loads them; the command line wins over all
        documents.forEach(env.getPropertySources()::addFirst);
        env.getPropertySources().addFirst(new MapPropertySource("commandLine", commandLine));
        return env;
    }

    @Test
    void theEmbeddedDatabaseIsUnderTheStateFolderByDefault() throws IOException {
        assertThat(environment(Map.of()).getProperty("spring.datasource.url"))
                .isEqualTo("jdbc:h2:file:./.berth/audit/audit;DB_CLOSE_ON_EXIT=FALSE");
    }

    @Test
    void theAuditPathMovesTheEmbeddedDatabase() throws IOException {
        assertThat(environment(Map.of("berth.gateway.audit.path", "/var/lib/berth/audit/audit"))
                .getProperty("spring.datasource.url"))
                .isEqualTo("jdbc:h2:file:/var/lib/berth/audit/audit;DB_CLOSE_ON_EXIT=FALSE");
    }

    @Test
    void aDatasourceUrlAloneSwitchesToPostgresql() throws IOException {
        assertThat(environment(Map.of("spring.datasource.url", "jdbc:postgresql://db:5432/berth"))
                .getProperty("spring.datasource.url"))
                .isEqualTo("jdbc:postgresql://db:5432/berth");
    }

    @Test
    void theDefaultsMatchTheRecordsDefaults() throws IOException {
        assertThat(environment(Map.of()).getProperty("berth.gateway.audit.path"))
                .isEqualTo(AuditProperties.defaults().path());
    }
}
