package io.berth.apiserver.rest;

import io.berth.apimachinery.errors.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutputFormatTest {

    record Case(String accept, OutputFormat expected) {
        @Override
        public String toString() {
            return accept + " gives " + expected;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case(null, OutputFormat.JSON),
                new Case("*/*", OutputFormat.JSON),
                new Case("application/json", OutputFormat.JSON),
                new Case("application/yaml", OutputFormat.YAML),
                new Case("application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;"
                        + "g=meta.k8s.io,application/json", OutputFormat.TABLE),
                new Case("application/json;as=Table;v=v1beta1;g=meta.k8s.io, application/json", OutputFormat.JSON),
                new Case("application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io", OutputFormat.PARTIAL_METADATA),
                new Case("application/vnd.kubernetes.protobuf,application/json", OutputFormat.JSON),
                new Case("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json",
                        OutputFormat.JSON));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void negotiatesAsKubernetes(Case c) {
        assertThat(OutputFormat.negotiate(c.accept())).isEqualTo(c.expected());
    }

    @Test
    void aClientAcceptingOnlyProtobufIsNotAcceptable() {
        assertThatThrownBy(() -> OutputFormat.negotiate("application/vnd.kubernetes.protobuf"))
                .isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(406));
    }
}
