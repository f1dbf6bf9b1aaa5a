package io.berth.gateway.limits;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LimitsPropertiesTest {

    private static LimitsProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("berth.gateway.limits", LimitsProperties.class);
    }

    @Test
    void withNothingConfiguredTheBoundSettingsAreTheDefaults() {
        LimitsProperties bound = bind(Map.of());

        assertThat(bound).isEqualTo(LimitsProperties.defaults());
        assertThat(bound.priorityLevels()).isEqualTo(PriorityLevelConfiguration.DEFAULTS);
    }

    @Test
    void aLevelOverrideChangesOnlyTheSettingsItNames() {
        LimitsProperties bound = bind(Map.of(
                "berth.gateway.limits.levels.global-default.seats", "20",
                "berth.gateway.limits.levels.global-default.limit-refresh-period", "2s",
                "berth.gateway.limits.queue-wait", "250ms"));

        PriorityLevelConfiguration global = bound.priorityLevels().stream()
                .filter(l -> l.name().equals("global-default")).findFirst().orElseThrow();
        assertThat(global.seats()).isEqualTo(20);
        assertThat(global.flowSeats()).isEqualTo(5);
        assertThat(global.limitRefreshPeriod()).isEqualTo(Duration.ofSeconds(2));
        assertThat(global.limitForPeriod()).isEqualTo(50);
        assertThat(bound.queueWait()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void anOverrideOfAnUnknownLevelIsRefusedWithTheKnownNames() {
        LimitsProperties bound = bind(Map.of("berth.gateway.limits.levels.workload-high.seats", "5"));

        assertThatThrownBy(bound::priorityLevels)
                .hasMessageContaining("[workload-high]").hasMessageContaining("global-default");
    }

    @Test
    void aLevelWithoutSeatsIsRefused() {
        LimitsProperties bound = bind(Map.of("berth.gateway.limits.levels.system.seats", "0"));

        assertThatThrownBy(bound::priorityLevels).hasMessageContaining("seats must be at least 1");
    }

    @Test
    void aNegativeQueueIsRefusedAtBinding() {
        assertThatThrownBy(() -> bind(Map.of("berth.gateway.limits.queue-length", "-1")))
                .isInstanceOf(BindException.class);
    }
}
