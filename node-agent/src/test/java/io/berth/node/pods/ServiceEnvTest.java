package io.berth.node.pods;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static io.berth.node.pods.Fixtures.container;
import static org.assertj.core.api.Assertions.assertThat;

/** The {@code kubernetes} Service's variables, as the kubelet gives them to every container. */
class ServiceEnvTest {

    static Service kubernetes(String clusterIp) {
        return new ServiceBuilder().withNewMetadata().withName("kubernetes").withNamespace("default").endMetadata()
                .withNewSpec().withClusterIP(clusterIp)
                .addNewPort().withName("https").withProtocol("TCP").withPort(443).endPort()
                .endSpec().build();
    }

    @Test
    void aServiceIsDescribedAsTheKubeletDescribesIt() {
        assertThat(ServiceEnv.of(kubernetes("10.96.0.1"))).containsExactly(
                entry("KUBERNETES_SERVICE_HOST", "10.96.0.1"),
                entry("KUBERNETES_SERVICE_PORT", "443"),
                entry("KUBERNETES_SERVICE_PORT_HTTPS", "443"),
                entry("KUBERNETES_PORT", "tcp://10.96.0.1:443"),
                entry("KUBERNETES_PORT_443_TCP", "tcp://10.96.0.1:443"),
                entry("KUBERNETES_PORT_443_TCP_PROTO", "tcp"),
                entry("KUBERNETES_PORT_443_TCP_PORT", "443"),
                entry("KUBERNETES_PORT_443_TCP_ADDR", "10.96.0.1"));
    }

    @Test
    void dashesBecomeUnderscoresAndIpv6IsBracketed() {
        Service s = new ServiceBuilder().withNewMetadata().withName("my-api").endMetadata().withNewSpec()
                .withClusterIP("fd00::1").addNewPort().withName("grpc-web").withProtocol("UDP").withPort(81).endPort()
                .endSpec().build();

        assertThat(ServiceEnv.of(s)).containsEntry("MY_API_SERVICE_PORT_GRPC_WEB", "81")
                .containsEntry("MY_API_PORT", "udp://[fd00::1]:81")
                .containsEntry("MY_API_PORT_81_UDP_ADDR", "fd00::1");
    }

    @Test
    void aServiceWithoutAClusterIpHasNoVariables() {
        assertThat(ServiceEnv.of(kubernetes("None"))).isEmpty();
        assertThat(ServiceEnv.of(kubernetes(null))).isEmpty();
    }

    @Test
    void everyContainerGetsThemAfterItsOwnWhichWinAndMayReferToThem() {
        EnvSources sources = new EnvSources() {
            @Override
            public Optional<ConfigMap> configMap(String namespace, String name) {
                return Optional.empty();
            }

            @Override
            public Optional<Secret> secret(String namespace, String name) {
                return Optional.empty();
            }

            @Override
            public Optional<Service> masterService() {
                return Optional.of(kubernetes("10.96.0.1"));
            }
        };
        Container c = container().addNewEnv().withName("API").withValue("https://$(KUBERNETES_SERVICE_HOST)").endEnv()
                .addNewEnv().withName("KUBERNETES_SERVICE_PORT").withValue("6443").endEnv().build();
        ContainerPlanner planner = new ContainerPlanner(Fixtures.NODE, sources, 1024);

        List<String> env = planner.plan(new ContainerPlanner.Request(Fixtures.pod(c).build(), c, Fixtures.IMAGE,
                Fixtures.ROOTFS, List.of(), "c1", Fixtures.LOG, Fixtures.POD_IP, 0, UserLookup.NONE)).env();

        assertThat(env).contains("API=https://10.96.0.1", "KUBERNETES_SERVICE_PORT=6443",
                "KUBERNETES_SERVICE_HOST=10.96.0.1", "KUBERNETES_PORT_443_TCP_ADDR=10.96.0.1");
        assertThat(env).doesNotContain("KUBERNETES_SERVICE_PORT=443");
        assertThat(env.indexOf("KUBERNETES_SERVICE_PORT=6443")).isLessThan(env.indexOf("KUBERNETES_SERVICE_HOST=10.96.0.1"));
    }

    private static java.util.Map.Entry<String, String> entry(String key, String value) {
        return java.util.Map.entry(key, value);
    }
}
