package io.berth.apimachinery.table;

import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.fabric8.kubernetes.api.model.ListMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TableRendererTest {

    static final ResourceType PODS = ResourceRegistry.builtIn().find("", "v1", "pods").orElseThrow();
    static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

    static Pod pod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("default").withResourceVersion("42")
                .withUid("uid-" + name).withLabels(Map.of("app", "web")).withCreationTimestamp("2024-05-01T11:59:00Z")
                .endMetadata().withNewSpec().addNewContainer().withName("app").withImage("nginx").endContainer()
                .endSpec().withNewStatus().withPhase("Pending").endStatus().build();
    }

    static JsonNode render(Table table) {
        return Json.tree(Json.write(table));
    }

    @Test
    void a_list_renders_as_a_meta_v1_table_with_the_list_metadata() {
        Table table = TableRenderer.list(PODS, List.of(pod("a"), pod("b")),
                new ListMetaBuilder().withResourceVersion("100").withContinue("token").withRemainingItemCount(3L)
                        .build(), new TableRenderer.Options(IncludeObject.METADATA, true, NOW));
        JsonNode json = render(table);
        assertThat(json.get("apiVersion").asString()).isEqualTo("meta.k8s.io/v1");
        assertThat(json.get("kind").asString()).isEqualTo("Table");
        assertThat(json.at("/metadata/resourceVersion").asString()).isEqualTo("100");
        assertThat(json.at("/metadata/continue").asString()).isEqualTo("token");
        assertThat(json.at("/metadata/remainingItemCount").asLong()).isEqualTo(3);
        assertThat(json.get("columnDefinitions")).hasSize(9);
        assertThat(json.at("/columnDefinitions/0/name").asString()).isEqualTo("Name");
        assertThat(json.get("rows")).hasSize(2);
        assertThat(json.at("/rows/1/cells/0").asString()).isEqualTo("b");
        assertThat(json.at("/rows/0/cells/4").asString()).isEqualTo("60s");
    }

    record Include(IncludeObject include, String kind, String apiVersion) {
        @Override
        public String toString() {
            return "includeObject=" + include.value() + " puts " + (kind == null ? "no object" : kind) + " in rows";
        }
    }

    static Stream<Include> includes() {
        return Stream.of(new Include(IncludeObject.METADATA, "PartialObjectMetadata", "meta.k8s.io/v1"),
                new Include(IncludeObject.OBJECT, "Pod", "v1"),
                new Include(IncludeObject.NONE, null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("includes")
    void rows_carry_the_object_as_asked(Include c) {
        JsonNode row = render(TableRenderer.single(PODS, pod("a"), new TableRenderer.Options(c.include(), true, NOW)))
                .at("/rows/0");
        if (c.kind() == null) {
            assertThat(row.has("object")).isFalse();
            return;
        }
        assertThat(row.at("/object/kind").asString()).isEqualTo(c.kind());
        assertThat(row.at("/object/apiVersion").asString()).isEqualTo(c.apiVersion());
        assertThat(row.at("/object/metadata/uid").asString()).isEqualTo("uid-a");
        assertThat(row.at("/object/metadata/labels/app").asString()).isEqualTo("web");
        assertThat(row.at("/object").has("spec")).isEqualTo(c.include() == IncludeObject.OBJECT);
    }

    @Test
    void a_single_object_table_takes_the_object_resource_version() {
        Table table = TableRenderer.single(PODS, pod("a"), TableRenderer.Options.defaults());
        assertThat(table.getMetadata().getResourceVersion()).isEqualTo("42");
        assertThat(table.getRows()).hasSize(1);
    }

    @Test
    void watch_events_after_the_first_omit_the_column_definitions() {
        JsonNode json = render(TableRenderer.single(PODS, pod("a"),
                new TableRenderer.Options(IncludeObject.METADATA, false, NOW)));
        assertThat(json.has("columnDefinitions")).isFalse();
        assertThat(json.at("/rows/0/cells")).hasSize(9);
    }

    @Test
    void rendering_does_not_change_the_object() {
        Pod original = pod("a");
        Pod copy = Json.deepCopy(original);
        TableRenderer.single(PODS, original, new TableRenderer.Options(IncludeObject.OBJECT, true, NOW));
        assertThat(original).isEqualTo(copy);
    }

    @Test
    void include_object_reads_kubernetes_values_and_refuses_others() {
        assertThat(IncludeObject.parse(null)).isEqualTo(IncludeObject.METADATA);
        assertThat(IncludeObject.parse("Object")).isEqualTo(IncludeObject.OBJECT);
        assertThat(IncludeObject.parse("None")).isEqualTo(IncludeObject.NONE);
        assertThatThrownBy(() -> IncludeObject.parse("Everything"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("unrecognized includeObject value: \"Everything\"");
                });
    }

    @Test
    void column_definitions_handed_out_are_copies() {
        TableConvertor convertor = TableConvertor.forType(PODS);
        convertor.columns().get(0).setName("changed");
        assertThat(convertor.columns().get(0).getName()).isEqualTo("Name");
    }
}
