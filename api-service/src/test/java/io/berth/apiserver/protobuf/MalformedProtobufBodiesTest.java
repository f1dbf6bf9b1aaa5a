package io.berth.apiserver.protobuf;

import com.google.protobuf.ByteString;
import io.berth.apimachinery.errors.ApiException;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;

import static io.berth.apiserver.protobuf.Envelopes.envelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class MalformedProtobufBodiesTest {

    /** A body that is not a well-formed protobuf object of a known kind, and what the 400 says. */
    record Case(String name, byte[] body, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> bodies() {
        byte[] namespace = envelope("v1", "Namespace", V1.Namespace.newBuilder()
                .setMetadata(Meta.ObjectMeta.newBuilder().setName("demo").addFinalizers("f")).build());
        byte[] object = V1.Namespace.newBuilder()
                .setMetadata(Meta.ObjectMeta.newBuilder().setName("demo")).build().toByteArray();
        return Stream.of(
                new Case("JSON sent as protobuf", "{\"kind\":\"Namespace\"}".getBytes(StandardCharsets.UTF_8),
                        "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]"),
                new Case("a body shorter than the magic prefix", new byte[] {'k', '8'},
                        "does not appear to be a protobuf message"),
                new Case("the magic prefix alone", new byte[] {'k', '8', 's', 0}, "empty body"),
                new Case("a truncated envelope", Arrays.copyOf(namespace, namespace.length - 3),
                        "the runtime.Unknown envelope is malformed"),
                new Case("an object message cut short", envelope("v1", "Namespace",
                        Arrays.copyOf(object, object.length - 2)),
                        "Namespace in version \"v1\" cannot be handled as a Namespace: protobuf:"),
                new Case("an unknown kind", envelope("v1", "Widget", object),
                        "no kind \"Widget\" is registered for version \"v1\""),
                new Case("a kind of an unknown group version", envelope("example.com/v1", "Namespace", object),
                        "no kind \"Namespace\" is registered for version \"example.com/v1\""),
                new Case("options of an unknown group version", envelope("example.com/v1", "DeleteOptions",
                        new byte[0]), "no kind \"DeleteOptions\" is registered for version \"example.com/v1\""),
                new Case("a type that is not a kind", envelope("v1", "PodSpec", new byte[0]),
                        "no kind \"PodSpec\" is registered"),
                new Case("an envelope without a kind", envelope("v1", "", object), "Object 'Kind' is missing"),
                new Case("an envelope without an apiVersion", envelope("", "Namespace", object),
                        "Object 'apiVersion' is missing"),
                new Case("a gzip-encoded envelope", gzipEnvelope(object), "unsupported content encoding \"gzip\""),
                new Case("a managed fields entry that is not JSON", envelope("v1", "Namespace",
                        V1.Namespace.newBuilder().setMetadata(Meta.ObjectMeta.newBuilder().setName("demo")
                                .addManagedFields(Meta.ManagedFieldsEntry.newBuilder().setFieldsV1(
                                        Meta.FieldsV1.newBuilder().setRaw(ByteString.copyFromUtf8("{oops")))))
                                .build()),
                        "a FieldsV1 holds neither JSON nor a protobuf object"),
                new Case("a timestamp beyond the year one billion", envelope("v1", "Namespace",
                        V1.Namespace.newBuilder().setMetadata(Meta.ObjectMeta.newBuilder().setName("demo")
                                .setCreationTimestamp(Meta.Time.newBuilder().setSeconds(Long.MAX_VALUE))).build()),
                        "time out of range"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void answersBadRequestNamingTheProblem(Case c) {
        ApiException error = catchThrowableOfType(ApiException.class, () -> ProtobufBodies.decode(c.body()));

        assertThat(error).as("a 400 for %s", c.name()).isNotNull();
        assertThat(error.code()).isEqualTo(400);
        assertThat(error.reason()).isEqualTo("BadRequest");
        assertThat(error.getMessage()).contains(c.message());
    }

    private static byte[] gzipEnvelope(byte[] raw) {
        byte[] unknown = Runtime.Unknown.newBuilder()
                .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion("v1").setKind("Namespace"))
                .setRaw(ByteString.copyFrom(raw)).setContentEncoding("gzip").build().toByteArray();
        byte[] body = new byte[unknown.length + 4];
        System.arraycopy(new byte[] {'k', '8', 's', 0}, 0, body, 0, 4);
        System.arraycopy(unknown, 0, body, 4, unknown.length);
        return body;
    }
}
