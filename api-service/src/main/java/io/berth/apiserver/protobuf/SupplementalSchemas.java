package io.berth.apiserver.protobuf;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;

import java.util.List;

/**
 * The Kubernetes 1.32 groups Berth serves that {@code io.kubernetes:client-java-proto} 24.0.0 does not generate:
 * {@code coordination.k8s.io/v1} (Lease) and {@code discovery.k8s.io/v1} (EndpointSlice). Their descriptors are
 * built here, field for field as in Kubernetes'
 * {@code staging/src/k8s.io/api/{coordination,discovery}/v1/generated.proto} of 1.32 (proto2, every singular field
 * {@code optional}). Built once, by {@link ProtobufSchemas}; the descriptors are immutable.
 */
final class SupplementalSchemas {

    private static final String META = ".k8s.io.apimachinery.pkg.apis.meta.v1.";
    private static final String COORDINATION = ".k8s.io.api.coordination.v1.";
    private static final String DISCOVERY = ".k8s.io.api.discovery.v1.";

    private SupplementalSchemas() {
    }

    static List<FileDescriptor> files() {
        return List.of(coordinationV1(), discoveryV1());
    }

    private static FileDescriptor coordinationV1() {
        return build(FileDescriptorProto.newBuilder()
                .setName("k8s.io/api/coordination/v1/generated.proto")
                .setPackage("k8s.io.api.coordination.v1")
                .addDependency(Meta.getDescriptor().getName())
                .addMessageType(message("Lease",
                        message(1, "metadata", META + "ObjectMeta"),
                        message(2, "spec", COORDINATION + "LeaseSpec")))
                .addMessageType(message("LeaseList",
                        message(1, "metadata", META + "ListMeta"),
                        repeated(message(2, "items", COORDINATION + "Lease"))))
                .addMessageType(message("LeaseSpec",
                        scalar(1, "holderIdentity", Type.TYPE_STRING),
                        scalar(2, "leaseDurationSeconds", Type.TYPE_INT32),
                        message(3, "acquireTime", META + "MicroTime"),
                        message(4, "renewTime", META + "MicroTime"),
                        scalar(5, "leaseTransitions", Type.TYPE_INT32),
                        scalar(6, "strategy", Type.TYPE_STRING),
                        scalar(7, "preferredHolder", Type.TYPE_STRING)))
                .build(), Meta.getDescriptor());
    }

    private static FileDescriptor discoveryV1() {
        DescriptorProto topologyEntry = message("DeprecatedTopologyEntry",
                scalar(1, "key", Type.TYPE_STRING),
                scalar(2, "value", Type.TYPE_STRING)).toBuilder()
                .setOptions(MessageOptions.newBuilder().setMapEntry(true))
                .build();
        return build(FileDescriptorProto.newBuilder()
                .setName("k8s.io/api/discovery/v1/generated.proto")
                .setPackage("k8s.io.api.discovery.v1")
                .addDependency(V1.getDescriptor().getName())
                .addDependency(Meta.getDescriptor().getName())
                .addMessageType(message("Endpoint",
                        repeated(scalar(1, "addresses", Type.TYPE_STRING)),
                        message(2, "conditions", DISCOVERY + "EndpointConditions"),
                        scalar(3, "hostname", Type.TYPE_STRING),
                        message(4, "targetRef", ".k8s.io.api.core.v1.ObjectReference"),
                        repeated(message(5, "deprecatedTopology", DISCOVERY + "Endpoint.DeprecatedTopologyEntry")),
                        scalar(6, "nodeName", Type.TYPE_STRING),
                        scalar(7, "zone", Type.TYPE_STRING),
                        message(8, "hints", DISCOVERY + "EndpointHints")).toBuilder()
                        .addNestedType(topologyEntry))
                .addMessageType(message("EndpointConditions",
                        scalar(1, "ready", Type.TYPE_BOOL),
                        scalar(2, "serving", Type.TYPE_BOOL),
                        scalar(3, "terminating", Type.TYPE_BOOL)))
                .addMessageType(message("EndpointHints",
                        repeated(message(1, "forZones", DISCOVERY + "ForZone"))))
                .addMessageType(message("EndpointPort",
                        scalar(1, "name", Type.TYPE_STRING),
                        scalar(2, "protocol", Type.TYPE_STRING),
                        scalar(3, "port", Type.TYPE_INT32),
                        scalar(4, "appProtocol", Type.TYPE_STRING)))
                .addMessageType(message("EndpointSlice",
                        message(1, "metadata", META + "ObjectMeta"),
                        repeated(message(2, "endpoints", DISCOVERY + "Endpoint")),
                        repeated(message(3, "ports", DISCOVERY + "EndpointPort")),
                        scalar(4, "addressType", Type.TYPE_STRING)))
                .addMessageType(message("EndpointSliceList",
                        message(1, "metadata", META + "ListMeta"),
                        repeated(message(2, "items", DISCOVERY + "EndpointSlice"))))
                .addMessageType(message("ForZone",
                        scalar(1, "name", Type.TYPE_STRING)))
                .build(), V1.getDescriptor(), Meta.getDescriptor());
    }

    private static FileDescriptor build(FileDescriptorProto proto, FileDescriptor... dependencies) {
        try {
            return FileDescriptor.buildFrom(proto, dependencies);
        } catch (DescriptorValidationException e) {
            // a typo above, never a client's doing: fail the first protobuf request loudly
            throw new IllegalStateException("invalid built-in protobuf schema " + proto.getName(), e);
        }
    }

    private static DescriptorProto message(String name, FieldDescriptorProto... fields) {
        return DescriptorProto.newBuilder().setName(name).addAllField(List.of(fields)).build();
    }

    private static FieldDescriptorProto scalar(int number, String name, Type type) {
        return FieldDescriptorProto.newBuilder()
                .setNumber(number).setName(name).setType(type).setLabel(Label.LABEL_OPTIONAL).build();
    }

    private static FieldDescriptorProto message(int number, String name, String typeName) {
        return FieldDescriptorProto.newBuilder().setNumber(number).setName(name)
                .setType(Type.TYPE_MESSAGE).setTypeName(typeName).setLabel(Label.LABEL_OPTIONAL).build();
    }

    private static FieldDescriptorProto repeated(FieldDescriptorProto field) {
        return field.toBuilder().setLabel(Label.LABEL_REPEATED).build();
    }
}
