package io.berth.apimachinery.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.apimachinery.json.Json;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class UnknownFieldsTest {

    static final String POD = """
            {"apiVersion": "v1", "kind": "Pod",
             "metadata": {"name": "web", "foo": "bar", "labels": {"app": "web"}},
             "spec": {"containers": [{"name": "app", "image": "nginx", "imagePullPolicyy": "Always",
                                      "env": [{"name": "A", "value": "1"}]}]}}
            """;

    static JsonNode json(String text) {
        return Json.tree(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A model with a map of objects, to show that the walk enters map values. */
    static class Catalog {
        @JsonProperty("entries")
        Map<String, Container> entries;
    }

    record Case(String description, Class<?> type, String json, List<String> unknown) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("a misspelt container field and an unknown metadata field", Pod.class, POD,
                        List.of("metadata.foo", "spec.containers[0].imagePullPolicyy")),
                new Case("strategic merge patch directives are not fields", Pod.class, """
                        {"spec": {"$setElementOrder/containers": [{"name": "app"}],
                                  "containers": [{"name": "app", "$patch": "delete"}], "$retainKeys": ["x"]}}
                        """, List.of()),
                new Case("secret data values are strings: nothing to walk into", Secret.class, """
                        {"data": {"password": "c2VjcmV0"}, "stringData": {"user": "admin"}}
                        """, List.of()),
                new Case("map values that are objects are walked, keyed by map key", Catalog.class, """
                        {"entries": {"web": {"name": "app", "bogus": 1}, "db": {"name": "db"}}}
                        """, List.of("entries.web.bogus")),
                new Case("free-form values are not checked", Table.class, """
                        {"rows": [{"cells": ["a", 1], "object": {"anything": {"goes": true}}}]}
                        """, List.of()),
                new Case("a value of the wrong type ends the walk (the decoder reports it)", Pod.class, """
                        {"spec": "not an object", "status": {"phase": "Running", "phaze": "x"}}
                        """, List.of("status.phaze")),
                new Case("nested lists report their indices", Pod.class, """
                        {"spec": {"containers": [{"name": "a"}, {"name": "b", "ports": [{"containerPort": 80},
                                  {"containerPort": 81, "hostPortt": 1}]}]}}
                        """, List.of("spec.containers[1].ports[1].hostPortt")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reports_unknown_fields_by_path_in_document_order(Case c) {
        assertThat(UnknownFields.find(json(c.json()), Schemas.of(c.type()), false))
                .containsExactlyElementsOf(c.unknown());
    }

    @Test
    void finding_without_removal_leaves_the_document_unchanged() {
        JsonNode doc = json(POD);
        UnknownFields.find(doc, Schemas.of(Pod.class), false);
        assertThat(doc).isEqualTo(json(POD));
    }

    @Test
    void removal_drops_exactly_the_unknown_fields() {
        JsonNode doc = json(POD);
        assertThat(UnknownFields.find(doc, Schemas.of(Pod.class), true)).hasSize(2);
        assertThat(doc.at("/metadata").has("foo")).isFalse();
        assertThat(doc.at("/spec/containers/0").has("imagePullPolicyy")).isFalse();
        assertThat(doc.at("/spec/containers/0/image").asString()).isEqualTo("nginx");
        assertThat(UnknownFields.find(doc, Schemas.of(Pod.class), false)).isEmpty();
        Pod pod = Json.convert(doc, Pod.class);
        assertThat(pod.getMetadata().getAdditionalProperties()).isEmpty();
        assertThat(pod.getSpec().getContainers().get(0).getAdditionalProperties()).isEmpty();
    }
}
