package io.berth.apiserver.protobuf;

import com.google.protobuf.ByteString;
import io.berth.apimachinery.json.Json;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import org.junit.jupiter.api.Test;

import static io.berth.apiserver.protobuf.Envelopes.envelope;
import static org.assertj.core.api.Assertions.assertThat;

/** RawExtensions (no registered kind has one yet) through the converter, with a WatchEvent as carrier. */
class RawExtensionTest {

    private final ProtobufJson converter = new ProtobufJson(ProtobufBodies::decode);

    @Test
    void aRawExtensionHoldingJsonBecomesThatJson() {
        Meta.WatchEvent event = Meta.WatchEvent.newBuilder().setType("ADDED")
                .setObject(Runtime.RawExtension.newBuilder()
                        .setRaw(ByteString.copyFromUtf8("{\"kind\":\"Thing\",\"spec\":{\"size\":2}}")))
                .build();

        assertThat(converter.fields(event)).isEqualTo(
                Json.tree("{\"type\":\"ADDED\",\"object\":{\"kind\":\"Thing\",\"spec\":{\"size\":2}}}".getBytes()));
    }

    @Test
    void aRawExtensionHoldingAProtobufObjectIsDecodedToo() {
        byte[] namespace = envelope("v1", "Namespace", V1.Namespace.newBuilder()
                .setMetadata(Meta.ObjectMeta.newBuilder().setName("inner")).build());
        Meta.WatchEvent event = Meta.WatchEvent.newBuilder().setType("ADDED")
                .setObject(Runtime.RawExtension.newBuilder().setRaw(ByteString.copyFrom(namespace)))
                .build();

        assertThat(converter.fields(event).path("object")).isEqualTo(Json.tree(
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"inner\"}}".getBytes()));
    }

    @Test
    void anEmptyRawExtensionIsLeftOut() {
        Meta.WatchEvent event = Meta.WatchEvent.newBuilder().setType("DELETED")
                .setObject(Runtime.RawExtension.getDefaultInstance()).build();

        assertThat(converter.fields(event)).isEqualTo(Json.tree("{\"type\":\"DELETED\"}".getBytes()));
    }
}
