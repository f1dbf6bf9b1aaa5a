package io.berth.apiserver.rest;

import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apimachinery.validation.ObjectValidator;
import io.berth.apiserver.strategy.Defaults;
import io.berth.apiserver.strategy.Strategy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bodies recorded from the real kubectl 1.32 ({@code kubectl create namespace demo}, {@code create deployment web
 * --image=nginx --port=80 --replicas=2}, ...; see {@code src/test/resources/protobuf/kubectl-1.32}) go through the
 * create path's decoding, defaulting and validation as their JSON forms would.
 */
class ProtobufCreateBodiesTest {

    private static final String PROTOBUF = "application/vnd.kubernetes.protobuf";

    /** A recorded body, the resource it was posted to, and a field that must survive decoding. */
    record Recorded(String file, String group, String resource, String name) {
        @Override
        public String toString() {
            return "kubectl " + file.replace('-', ' ').replace(".bin", "");
        }
    }

    static Stream<Recorded> kubectlCreates() {
        return Stream.of(
                new Recorded("create-namespace.bin", "", "namespaces", "demo"),
                new Recorded("create-configmap.bin", "", "configmaps", "x"),
                new Recorded("create-secret.bin", "", "secrets", "s"),
                new Recorded("create-deployment.bin", "apps", "deployments", "web"),
                new Recorded("create-service.bin", "", "services", "web"),
                new Recorded("create-serviceaccount.bin", "", "serviceaccounts", "robot"),
                new Recorded("create-resourcequota.bin", "", "resourcequotas", "q"),
                new Recorded("create-role.bin", "rbac.authorization.k8s.io", "roles", "reader"),
                new Recorded("create-clusterrolebinding.bin", "rbac.authorization.k8s.io", "clusterrolebindings",
                        "admins"),
                new Recorded("create-priorityclass.bin", "scheduling.k8s.io", "priorityclasses", "high"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kubectlCreates")
    void aKubectlProtobufCreateDecodesDefaultsAndValidatesCleanly(Recorded recorded) throws IOException {
        ResourceType type = ResourceRegistry.builtIn().find(recorded.group(), "v1", recorded.resource()).orElseThrow();

        HasMetadata object = ObjectDecoder.decode(type, read(recorded.file()), Bodies.objectKind(PROTOBUF),
                FieldValidation.STRICT).object();
        Defaults.apply(object);
        Strategy.prepareForCreate(type, object, Instant.parse("2026-11-27T20:00:00Z"));

        assertThat(object.getClass()).isEqualTo(type.type());
        assertThat(object.getMetadata().getName()).isEqualTo(recorded.name());
        assertThat(ObjectValidator.validate(type, object)).isEmpty();
    }

    @Test
    void theProtobufMediaTypeIsAnObjectBodyKind() {
        assertThat(Bodies.objectKind(PROTOBUF)).isEqualTo(Bodies.Kind.PROTOBUF);
        assertThat(Bodies.objectKind(PROTOBUF + "; charset=binary")).isEqualTo(Bodies.Kind.PROTOBUF);
    }

    @Test
    void kubectlAuthCanIDecodesIntoASelfSubjectAccessReviewWithResourceAttributes() throws IOException {
        ResourceType type = ResourceRegistry.builtIn()
                .find("authorization.k8s.io", "v1", "selfsubjectaccessreviews").orElseThrow();

        var review = (io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview) ObjectDecoder.decode(
                type, read("create-selfsubjectaccessreview.bin"), Bodies.Kind.PROTOBUF, FieldValidation.STRICT)
                .object();

        assertThat(review.getSpec().getResourceAttributes().getVerb()).isEqualTo("create");
        assertThat(review.getSpec().getResourceAttributes().getResource()).isEqualTo("pods");
        assertThat(review.getSpec().getResourceAttributes().getNamespace()).isEqualTo("default");
    }

    @Test
    void kubectlAuthWhoamiDecodesIntoASelfSubjectReview() throws IOException {
        ResourceType type = ResourceRegistry.builtIn()
                .find("authentication.k8s.io", "v1", "selfsubjectreviews").orElseThrow();

        HasMetadata review = ObjectDecoder.decode(type, read("create-selfsubjectreview.bin"), Bodies.Kind.PROTOBUF,
                FieldValidation.STRICT).object();

        assertThat(review).isInstanceOf(io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview.class);
    }

    private static byte[] read(String file) throws IOException {
        try (InputStream in = ProtobufCreateBodiesTest.class.getResourceAsStream("/protobuf/kubectl-1.32/" + file)) {
            assertThat(in).as(file).isNotNull();
            return in.readAllBytes();
        }
    }
}
