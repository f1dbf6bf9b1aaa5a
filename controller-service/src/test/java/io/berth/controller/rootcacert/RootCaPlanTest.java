package io.berth.controller.rootcacert;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static io.berth.controller.rootcacert.RootCaPlan.Action.Kind.CREATE;
import static io.berth.controller.rootcacert.RootCaPlan.Action.Kind.NONE;
import static io.berth.controller.rootcacert.RootCaPlan.Action.Kind.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;

class RootCaPlanTest {

    static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    static final Map<String, String> DESCRIBED = Map.of(RootCaPlan.DESCRIPTION_ANNOTATION, RootCaPlan.DESCRIPTION);

    record Row(String description, Namespace namespace, ConfigMap existing, RootCaPlan.Action.Kind kind) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Row> rows() {
        return Stream.of(
                new Row("an active namespace without the ConfigMap gets it", namespace(false), null, CREATE),
                new Row("a ConfigMap as it should be is left alone", namespace(false),
                        configMap(Map.of("ca.crt", CA), DESCRIBED), NONE),
                new Row("other annotations do not matter", namespace(false),
                        configMap(Map.of("ca.crt", CA), Map.of(RootCaPlan.DESCRIPTION_ANNOTATION, "mine", "a", "b")),
                        NONE),
                new Row("an edited certificate is restored", namespace(false),
                        configMap(Map.of("ca.crt", "forged"), DESCRIBED), UPDATE),
                new Row("an added key is removed", namespace(false),
                        configMap(Map.of("ca.crt", CA, "extra", "x"), DESCRIBED), UPDATE),
                new Row("emptied data is restored", namespace(false), configMap(null, DESCRIBED), UPDATE),
                new Row("a removed description is restored", namespace(false), configMap(Map.of("ca.crt", CA), null),
                        UPDATE),
                new Row("an emptied description is restored", namespace(false),
                        configMap(Map.of("ca.crt", CA), Map.of(RootCaPlan.DESCRIPTION_ANNOTATION, "")), UPDATE),
                new Row("a terminating namespace gets nothing", namespace(true), null, NONE),
                new Row("a terminating namespace's edited ConfigMap is left to the namespace controller",
                        namespace(true), configMap(Map.of("ca.crt", "forged"), null), NONE),
                new Row("a namespace gone from the cache gets nothing", null, null, NONE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void decides_as_kubernetes_root_ca_publisher(Row row) {
        RootCaPlan.Action action = RootCaPlan.plan(row.namespace(), row.existing(), CA);

        assertThat(action.kind()).isEqualTo(row.kind());
        if (row.kind() != NONE) {
            ConfigMap cm = action.configMap();
            assertThat(cm.getMetadata().getNamespace()).isEqualTo("team");
            assertThat(cm.getMetadata().getName()).isEqualTo("kube-root-ca.crt");
            assertThat(cm.getData()).isEqualTo(Map.of("ca.crt", CA));
            assertThat(cm.getMetadata().getAnnotations()).containsEntry("kubernetes.io/description",
                    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints"
                            + " such as the internal service IP or kubernetes.default.svc. No other usage is"
                            + " guaranteed across distributions of Kubernetes clusters.");
        }
    }

    @Test
    void an_update_keeps_the_resource_version_labels_and_other_annotations_and_leaves_the_cached_copy_alone() {
        ConfigMap cached = new ConfigMapBuilder(configMap(Map.of("ca.crt", "forged"), Map.of("keep", "me")))
                .editMetadata().withResourceVersion("42").addToLabels("l", "v").endMetadata()
                .addToBinaryData("bin", "AA==").build();

        ConfigMap updated = RootCaPlan.plan(namespace(false), cached, CA).configMap();

        assertThat(updated.getMetadata().getResourceVersion()).isEqualTo("42");
        assertThat(updated.getMetadata().getLabels()).containsEntry("l", "v");
        assertThat(updated.getMetadata().getAnnotations()).containsEntry("keep", "me")
                .containsKey(RootCaPlan.DESCRIPTION_ANNOTATION);
        assertThat(updated.getBinaryData()).containsEntry("bin", "AA==");
        assertThat(cached.getData()).containsEntry("ca.crt", "forged");
        assertThat(cached.getMetadata().getAnnotations()).doesNotContainKey(RootCaPlan.DESCRIPTION_ANNOTATION);
    }

    static Namespace namespace(boolean terminating) {
        return new NamespaceBuilder().withNewMetadata().withName("team")
                .withDeletionTimestamp(terminating ? "2025-01-01T00:00:00Z" : null).endMetadata()
                .withNewStatus().withPhase(terminating ? "Terminating" : "Active").endStatus().build();
    }

    static ConfigMap configMap(Map<String, String> data, Map<String, String> annotations) {
        return new ConfigMapBuilder().withNewMetadata().withNamespace("team").withName("kube-root-ca.crt")
                .withAnnotations(annotations).endMetadata().withData(data).build();
    }
}
