package io.berth.apiserver.protobuf;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Runtime;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;

/** Test bodies built the way Kubernetes' protobuf serializer writes them. */
final class Envelopes {

    private Envelopes() {
    }

    /** {@code k8s\0} + runtime.Unknown{typeMeta, raw}, with the empty contentEncoding and contentType Go writes. */
    static byte[] envelope(String apiVersion, String kind, byte[] raw) {
        Runtime.Unknown unknown = Runtime.Unknown.newBuilder()
                .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
                .setRaw(ByteString.copyFrom(raw))
                .setContentEncoding("")
                .setContentType("")
                .build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'k', '8', 's', 0});
        out.writeBytes(unknown.toByteArray());
        return out.toByteArray();
    }

    static byte[] envelope(String apiVersion, String kind, Message object) {
        return envelope(apiVersion, kind, object.toByteArray());
    }

    /**
     * ObjectMeta as Go's encoder writes it: every non-pointer field, so the strings are there even when empty and
     * creationTimestamp is an empty Time.
     */
    static Meta.ObjectMeta.Builder goObjectMeta(String name, String namespace) {
        return Meta.ObjectMeta.newBuilder()
                .setName(name).setGenerateName("").setNamespace(namespace).setSelfLink("").setUid("")
                .setResourceVersion("").setGeneration(0)
                .setCreationTimestamp(Meta.Time.getDefaultInstance());
    }

    /**
     * A message of a schema without generated classes (coordination, discovery), from field name → value pairs:
     * messages, scalars, lists for repeated fields, and {@code Map}s for map fields.
     */
    static DynamicMessage dynamic(Descriptor type, Object... namesAndValues) {
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            FieldDescriptor field = type.findFieldByName((String) namesAndValues[i]);
            Object value = namesAndValues[i + 1];
            if (field.isMapField()) {
                Descriptor entry = field.getMessageType();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                    builder.addRepeatedField(field, dynamic(entry, "key", e.getKey(), "value", e.getValue()));
                }
            } else if (field.isRepeated()) {
                ((List<?>) value).forEach(element -> builder.addRepeatedField(field, element));
            } else {
                builder.setField(field, value);
            }
        }
        return builder.build();
    }
}
