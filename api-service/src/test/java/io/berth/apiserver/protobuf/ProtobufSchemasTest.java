package io.berth.apiserver.protobuf;

import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ProtobufSchemasTest {

    static Stream<ResourceType> registeredResources() {
        return ResourceRegistry.builtIn().all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("registeredResources")
    void everyRegisteredResourceHasTheMessageOfItsKind(ResourceType type) {
        assertThat(ProtobufSchemas.find(type.apiVersion(), type.kind()))
                .hasValueSatisfying(message -> assertThat(message.getName()).isEqualTo(type.kind()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("registeredResources")
    void deleteOptionsAreKnownInEveryServedGroupVersion(ResourceType type) {
        assertThat(ProtobufSchemas.find(type.apiVersion(), "DeleteOptions"))
                .hasValueSatisfying(message -> assertThat(message.getFullName())
                        .isEqualTo("k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions"));
    }

    @Test
    void subresourceKindsAreKnownToo() {
        assertThat(ProtobufSchemas.find("autoscaling/v1", "Scale")).isPresent();
        assertThat(ProtobufSchemas.find("v1", "Binding")).isPresent();
        assertThat(ProtobufSchemas.find("policy/v1", "Eviction")).isPresent();
    }

    @Test
    void typesThatAreNotKindsAreUnknown() {
        assertThat(ProtobufSchemas.find("v1", "ObjectReference")).isEmpty();
        assertThat(ProtobufSchemas.find("apps/v1", "Pod")).isEmpty();
    }
}
