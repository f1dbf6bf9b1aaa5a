package io.berth.apiserver.protobuf;

import io.berth.apimachinery.json.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bodies recorded from the real kubectl 1.32 (src/test/resources/protobuf/kubectl-1.32, README there) decode into
 * exactly the JSON kubectl writes for the same command with {@code --dry-run=client -o json}.
 */
class KubectlRecordedBodiesTest {

    @ParameterizedTest(name = "kubectl create {0}")
    @ValueSource(strings = {"namespace", "configmap", "secret", "deployment", "service", "serviceaccount", "role",
            "clusterrolebinding", "priorityclass", "resourcequota"})
    void decodesTheProtobufBodyIntoTheJsonKubectlWritesForIt(String what) throws IOException {
        JsonNode decoded = ProtobufBodies.decode(read("create-" + what + ".bin"));
        JsonNode json = Json.tree(read("create-" + what + ".json"));

        assertThat(ProtobufBodiesTest.normalized(decoded)).isEqualTo(withoutNulls(json));
    }

    /** Go writes a zero creationTimestamp as {@code null}; the decoder leaves it out, which reads the same. */
    private static JsonNode withoutNulls(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.properties().removeIf(property -> property.getValue().isNull());
            object.forEach(KubectlRecordedBodiesTest::withoutNulls);
        } else if (node.isArray()) {
            node.forEach(KubectlRecordedBodiesTest::withoutNulls);
        }
        return node;
    }

    private static byte[] read(String file) throws IOException {
        try (InputStream in = KubectlRecordedBodiesTest.class.getResourceAsStream("/protobuf/kubectl-1.32/" + file)) {
            assertThat(in).as(file).isNotNull();
            return in.readAllBytes();
        }
    }
}
