package io.berth.node.images;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ImageReferenceTest {

    record Case(String reference, String normalized) {
    }

    static final String DIGEST = "sha256:" + "ab".repeat(32);

    static Stream<Case> references() {
        return Stream.of(
                new Case("busybox", "docker.io/library/busybox:latest"),
                new Case("busybox:1.36", "docker.io/library/busybox:1.36"),
                new Case("library/busybox", "docker.io/library/busybox:latest"),
                new Case("docker.io/busybox", "docker.io/library/busybox:latest"),
                new Case("index.docker.io/library/busybox:1", "docker.io/library/busybox:1"),
                new Case("team/app", "docker.io/team/app:latest"),
                new Case("localhost/app", "localhost/app:latest"),
                new Case("registry.local:5000/app:v1", "registry.local:5000/app:v1"),
                new Case("quay.io/org/sub/app:1.0-rc_1", "quay.io/org/sub/app:1.0-rc_1"),
                new Case("busybox@" + DIGEST, "docker.io/library/busybox@" + DIGEST),
                new Case("busybox:1@" + DIGEST, "docker.io/library/busybox:1@" + DIGEST),
                new Case("my_app__x", "docker.io/library/my_app__x:latest"),
                // invalid: Kubernetes' runtimes refuse these, so no image is found for them
                new Case("Busybox", null),
                new Case("busybox:", null),
                new Case("busybox::1", null),
                new Case("bad name", null),
                new Case("app@sha256:short", null),
                new Case("-app", null),
                new Case("", null));
    }

    @ParameterizedTest
    @MethodSource("references")
    void referencesNormalizeAsKubernetesRuntimesDo(Case c) {
        assertThat(ImageReference.parse(c.reference()).map(ImageReference::toString).orElse(null))
                .isEqualTo(c.normalized());
    }
}
