package io.berth.controller.nodeipam;

import io.berth.controller.config.ControllerProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeIpamControllerTest {

    private static ControllerProperties properties(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("berth.controller", ControllerProperties.class);
    }

    @Test
    void theDefaultsCut10dot244Slash16IntoSlash24s() {
        NodeIpamController controller = new NodeIpamController(properties(Map.of()));

        assertThat(controller.name()).isEqualTo("nodeipam");
        assertThat(controller.workers()).isEqualTo(4);
    }

    @Test
    void aClusterCidrThatIsNotOneFailsTheStart() {
        assertThatThrownBy(() -> new NodeIpamController(properties(Map.of(
                "berth.controller.node-ipam.cluster-cidr", "10.244.0.0"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a CIDR");
    }

    @Test
    void aNodeMaskSizeThatDoesNotFitFailsTheStart() {
        assertThatThrownBy(() -> new NodeIpamController(properties(Map.of(
                "berth.controller.node-ipam.node-mask-size", "12"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node mask size 12");
    }
}
