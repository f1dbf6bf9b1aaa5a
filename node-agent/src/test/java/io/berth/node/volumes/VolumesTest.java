package io.berth.node.volumes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.berth.node.runtime.ContainerPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VolumesTest {

    @TempDir
    Path podDir;

    private final Map<String, ConfigMap> configMaps = new HashMap<>();
    private final Map<String, Secret> secrets = new HashMap<>();
    private final List<String> tmpfs = new ArrayList<>();
    private int tokensIssued;

    private final VolumeSources sources = new VolumeSources() {
        @Override
        public Optional<ConfigMap> configMap(String namespace, String name) {
            return Optional.ofNullable(configMaps.get(name));
        }

        @Override
        public Optional<Secret> secret(String namespace, String name) {
            return Optional.ofNullable(secrets.get(name));
        }

        @Override
        public Token token(Pod pod, String serviceAccount, String audience, long expirationSeconds) {
            tokensIssued++;
            return new Token("token-" + serviceAccount + "-" + tokensIssued, Instant.now().plusSeconds(expirationSeconds));
        }

        @Override
        public byte[] caBundle() {
            return "CA".getBytes(StandardCharsets.UTF_8);
        }
    };

    private final Volumes volumes = new Volumes(sources, () -> new io.berth.node.pods.ContainerPlanner.Node("n1", "192.0.2.1", Map.of()),
            new Volumes.Mounter() {
        @Override
        public void tmpfs(Path dir, String options) {
            tmpfs.add(dir.getFileName().toString());
        }

        @Override
        public void unmount(Path dir) {
        }
    }, Clock.systemUTC());

    private static Pod pod() {
        return new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").withUid("u1")
                .withLabels(Map.of("app", "web")).endMetadata()
                .withNewSpec().withServiceAccountName("builder")
                .addNewContainer().withName("c").withImage("host")
                .addNewVolumeMount().withName("conf").withMountPath("/etc/app").endVolumeMount()
                .addNewVolumeMount().withName("creds").withMountPath("/creds").withReadOnly(true).endVolumeMount()
                .addNewVolumeMount().withName("info").withMountPath("/info").endVolumeMount()
                .endContainer()
                .addNewVolume().withName("conf").withNewConfigMap().withName("app-config").withDefaultMode(0640)
                .endConfigMap().endVolume()
                .addNewVolume().withName("creds").withNewSecret().withSecretName("db")
                .addNewItem().withKey("password").withPath("pw/secret").withMode(0400).endItem().endSecret().endVolume()
                .addNewVolume().withName("info").withNewDownwardAPI().addNewItem().withPath("labels")
                .withNewFieldRef().withFieldPath("metadata.labels").endFieldRef().endItem().endDownwardAPI().endVolume()
                .endSpec().build();
    }

    @Test
    void filesAppearAtTheirPathsWithTheirModesAndUpdatesReplaceThemAtomically() throws Exception {
        configMaps.put("app-config", new ConfigMapBuilder().addToData("a.conf", "one").build());
        secrets.put("db", new SecretBuilder().addToData("password",
                Base64.getEncoder().encodeToString("s3cret".getBytes(StandardCharsets.UTF_8))).build());
        volumes.setUp(pod(), podDir, "10.244.0.9");

        Path conf = podDir.resolve("volumes/conf");
        assertThat(Files.readString(conf.resolve("a.conf"))).isEqualTo("one");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(conf.resolve("a.conf"))))
                .isEqualTo("rw-r-----");
        assertThat(Files.readString(podDir.resolve("volumes/creds/pw/secret"))).isEqualTo("s3cret");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                podDir.resolve("volumes/creds/pw/secret")))).isEqualTo("r--------");
        assertThat(Files.readString(podDir.resolve("volumes/info/labels"))).isEqualTo("app=\"web\"");
        assertThat(tmpfs).contains("creds", Volumes.SA_VOLUME);

        Path before = Files.readSymbolicLink(conf.resolve("..data"));
        configMaps.put("app-config", new ConfigMapBuilder().addToData("b.conf", "two").build());
        volumes.setUp(pod(), podDir, "10.244.0.9");
        assertThat(Files.readSymbolicLink(conf.resolve("..data"))).isNotEqualTo(before);
        assertThat(Files.readString(conf.resolve("b.conf"))).isEqualTo("two");
        assertThat(conf.resolve("a.conf")).doesNotExist();
        assertThat(conf.resolve(before)).doesNotExist();
    }

    @Test
    void theServiceAccountVolumeHoldsTheTokenCaAndNamespaceAndIsMountedReadOnly() throws Exception {
        configMaps.put("app-config", new ConfigMapBuilder().addToData("a.conf", "one").build());
        secrets.put("db", new SecretBuilder().addToData("password", "eA==").build());
        volumes.setUp(pod(), podDir, "10.244.0.9");
        Path sa = podDir.resolve("volumes").resolve(Volumes.SA_VOLUME);
        assertThat(Files.readString(sa.resolve("token"))).isEqualTo("token-builder-1");
        assertThat(Files.readString(sa.resolve("ca.crt"))).isEqualTo("CA");
        assertThat(Files.readString(sa.resolve("namespace"))).isEqualTo("ns");

        volumes.setUp(pod(), podDir, "10.244.0.9");
        assertThat(tokensIssued).as("a fresh token is reused until 80% of its lifetime").isEqualTo(1);

        List<ContainerPlan.Mount> mounts = volumes.mounts(pod(), pod().getSpec().getContainers().get(0), podDir);
        assertThat(mounts).extracting(ContainerPlan.Mount::destination)
                .containsExactly("/etc/app", "/creds", "/info", Volumes.SA_MOUNT);
        assertThat(mounts.get(1).options()).contains("ro");
        assertThat(mounts.get(3).options()).contains("ro");
    }

    @Test
    void aMissingConfigMapFailsTheMountWithKubernetesWordsUnlessOptional() {
        assertThatThrownBy(() -> volumes.setUp(pod(), podDir, null)).isInstanceOf(VolumeFailure.class)
                .hasMessageContaining("configmap \"app-config\" not found");
    }

    @Test
    void aSubPathMayNotLeaveItsVolume() {
        Pod p = new PodBuilder(pod()).editSpec().editFirstContainer().addNewVolumeMount().withName("conf")
                .withMountPath("/x").withSubPath("../../etc").endVolumeMount().endContainer().endSpec().build();
        assertThatThrownBy(() -> volumes.mounts(p, p.getSpec().getContainers().get(0), podDir))
                .isInstanceOf(VolumeFailure.class).hasMessageContaining("must not leave the volume");
    }

    @Test
    void noTokenIsMountedWhenAutomountIsOff() {
        Pod p = new PodBuilder(pod()).editSpec().withAutomountServiceAccountToken(false).endSpec().build();
        assertThat(volumes.mounts(p, p.getSpec().getContainers().get(0), podDir))
                .extracting(ContainerPlan.Mount::destination).doesNotContain(Volumes.SA_MOUNT);
    }
}
