package io.berth.controller.rootcacert;

import io.berth.controller.config.ControllerProperties;
import io.berth.controller.testing.Caches;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RootCaCertPublisherTest {

    static final String CA = RootCaPlanTest.CA;

    @TempDir
    Path dir;

    @Test
    void the_ca_is_the_file_the_client_trusts_ca_file_when_set() throws IOException {
        Path pki = Files.createDirectories(dir.resolve("pki"));
        Files.writeString(pki.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\npki\n");
        Path own = Files.writeString(dir.resolve("own.crt"), "-----BEGIN CERTIFICATE-----\nown\n");

        assertThat(new RootCaCertPublisher(props(Map.of()), pki).ca()).contains("pki");
        assertThat(new RootCaCertPublisher(props(Map.of("berth.controller.ca-file", own.toString())), pki).ca())
                .contains("own");
    }

    @Test
    void an_unreadable_ca_fails_the_start_naming_the_file_and_the_setting() {
        Path missing = dir.resolve("nowhere/ca.crt");

        assertThatThrownBy(() -> new RootCaCertPublisher(props(Map.of()), missing.getParent()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("berth.controller.ca-file");
    }

    @Test
    void a_file_without_a_pem_certificate_is_refused() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.crt"), "not a certificate");

        assertThatThrownBy(() -> RootCaCertPublisher.readCa(junk))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("holds no PEM certificate");
    }

    @Test
    void the_reconciler_creates_a_missing_config_map_restores_an_edited_one_and_leaves_a_good_one_alone() {
        List<String> writes = new ArrayList<>();
        RootCaReconciler.Client client = new RootCaReconciler.Client() {
            @Override
            public void create(ConfigMap cm) {
                writes.add("create " + cm.getMetadata().getNamespace() + " " + cm.getData().get("ca.crt").length());
            }

            @Override
            public void update(ConfigMap cm) {
                writes.add("update " + cm.getMetadata().getNamespace() + " " + cm.getData().get("ca.crt").length());
            }
        };
        Caches<Namespace> namespaces = Caches.of(RootCaPlanTest.namespace(false));
        Caches<ConfigMap> configMaps = new Caches<>();
        RootCaReconciler reconciler = new RootCaReconciler(namespaces.lister(), configMaps.lister(), CA, client);

        reconciler.reconcile("team");
        configMaps.put(new ConfigMapBuilder(RootCaPlanTest.configMap(Map.of("ca.crt", "forged"),
                RootCaPlanTest.DESCRIBED)).build());
        reconciler.reconcile("team");
        configMaps.put(RootCaPlanTest.configMap(Map.of("ca.crt", CA), RootCaPlanTest.DESCRIBED));
        reconciler.reconcile("team");
        reconciler.reconcile("elsewhere");

        assertThat(writes).containsExactly("create team " + CA.length(), "update team " + CA.length());
    }

    /** Bound as Spring binds them, so the test does not depend on the record's other settings. */
    static ControllerProperties props(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("berth.controller", ControllerProperties.class);
    }
}
