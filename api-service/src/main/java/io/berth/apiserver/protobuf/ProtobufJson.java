package io.berth.apiserver.protobuf;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.json.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a Kubernetes protobuf message into the JSON tree Kubernetes' JSON encoder would write for the same Go value.
 *
 * <p>Field names: generated.proto names fields by their JSON names. Zero values: Go's protobuf encoder writes every
 * non-pointer field, so an empty string on the wire is the Go zero value of a field a JSON client would have left
 * out. Singular empty strings and bytes are omitted, as is a zero {@code Time} (an empty message; JSON
 * {@code null}). Numbers and booleans are kept even when zero, because for pointer fields ({@code replicas: 0},
 * {@code gracePeriodSeconds: 0}, {@code automountServiceAccountToken: false}) the zero is the client's choice;
 * only the non-pointer zeros kubectl's typed generators send are omitted ({@link #OMITTED_ZEROS}), so that
 * {@code kubectl create deployment} yields exactly its JSON form. Empty repeated fields and maps are absent from the
 * wire, hence from the tree; strings inside lists and maps are kept as they are ({@code apiGroups: [""]}).
 *
 * <p>Special types, as their Go JSON marshallers write them: {@code Quantity} → string, {@code IntOrString} →
 * number or string, {@code Time} → RFC 3339 in seconds, {@code MicroTime} → RFC 3339 with microseconds,
 * {@code Duration} → Go duration string, {@code RawExtension} and {@code FieldsV1} → the embedded JSON,
 * {@code []byte} → base64, wrappers of named string slices ({@code ExtraValue}, {@code Verbs}) → arrays.
 * Immutable; thread safe.
 */
final class ProtobufJson {

    private static final String TIME = ProtobufSchemas.META_PACKAGE + ".Time";
    private static final String MICRO_TIME = ProtobufSchemas.META_PACKAGE + ".MicroTime";
    private static final String DURATION = ProtobufSchemas.META_PACKAGE + ".Duration";
    private static final String FIELDS_V1 = ProtobufSchemas.META_PACKAGE + ".FieldsV1";
    private static final String QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity";
    private static final String INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
    private static final String RAW_EXTENSION = "k8s.io.apimachinery.pkg.runtime.RawExtension";

    /**
     * Fields Go declares as non-pointer with {@code omitempty} ({@code Stdin bool `json:"stdin,omitempty"`}), whose
     * zero means "unset", that kubectl's typed generators send ({@code create deployment}, {@code create service},
     * {@code create priorityclass}, {@code auth can-i}; generation in every object). Listing one more only removes
     * noise; a pointer field must never be listed, or a client's explicit zero would be lost.
     */
    private static final Map<String, Set<String>> OMITTED_ZEROS = Map.ofEntries(
            Map.entry(ProtobufSchemas.META_PACKAGE + ".ObjectMeta", Set.of("generation")),
            Map.entry("k8s.io.api.core.v1.Container", Set.of("stdin", "stdinOnce", "tty")),
            Map.entry("k8s.io.api.core.v1.ContainerPort", Set.of("hostPort")),
            Map.entry("k8s.io.api.core.v1.PodSpec", Set.of("hostNetwork", "hostPID", "hostIPC")),
            Map.entry("k8s.io.api.core.v1.ServicePort", Set.of("nodePort")),
            Map.entry("k8s.io.api.core.v1.ServiceSpec", Set.of("healthCheckNodePort", "publishNotReadyAddresses")),
            Map.entry("k8s.io.api.apps.v1.DeploymentSpec", Set.of("minReadySeconds", "paused")),
            Map.entry("k8s.io.api.apps.v1.DeploymentStatus", Set.of("observedGeneration", "replicas",
                    "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas")),
            Map.entry("k8s.io.api.authorization.v1.SubjectAccessReviewStatus", Set.of("denied")),
            Map.entry("k8s.io.api.scheduling.v1.PriorityClass", Set.of("globalDefault")));

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter RFC3339 =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter RFC3339_MICRO =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSXXX").withZone(ZoneOffset.UTC);

    /** Decodes the embedded objects of a RawExtension (a {@code k8s\0} body) one level deeper. */
    interface Nested {
        JsonNode decode(byte[] body);
    }

    private final Nested nested;

    ProtobufJson(Nested nested) {
        this.nested = nested;
    }

    /** The fields of a message as a JSON object (special types are only special as field values). */
    ObjectNode fields(Message message) {
        ObjectNode object = NODES.objectNode();
        Set<String> omittedZeros = OMITTED_ZEROS.getOrDefault(message.getDescriptorForType().getFullName(), Set.of());
        for (Map.Entry<FieldDescriptor, Object> entry : message.getAllFields().entrySet()) {
            FieldDescriptor field = entry.getKey();
            JsonNode value;
            if (field.isMapField()) {
                value = map(field, (List<?>) entry.getValue());
            } else if (field.isRepeated()) {
                ArrayNode array = NODES.arrayNode();
                for (Object element : (List<?>) entry.getValue()) {
                    array.add(orNull(value(field, element, true)));
                }
                value = array;
            } else {
                value = value(field, entry.getValue(), false);
                if (value != null && omittedZeros.contains(field.getName()) && isZero(value)) {
                    value = null;
                }
            }
            if (value != null) {
                object.set(field.getName(), value);
            }
        }
        return object;
    }

    private ObjectNode map(FieldDescriptor field, List<?> entries) {
        Descriptor entryType = field.getMessageType();
        FieldDescriptor key = entryType.findFieldByNumber(1);
        FieldDescriptor val = entryType.findFieldByNumber(2);
        ObjectNode object = NODES.objectNode();
        for (Object e : entries) {
            Message entry = (Message) e;
            object.set(String.valueOf(entry.getField(key)), orNull(value(val, entry.getField(val), true)));
        }
        return object;
    }

    /** A field's value; null when JSON would leave the field out. {@code element}: inside a list or map. */
    private JsonNode value(FieldDescriptor field, Object value, boolean element) {
        switch (field.getJavaType()) {
            case STRING:
                String s = (String) value;
                return s.isEmpty() && !element ? null : NODES.stringNode(s);
            case BYTE_STRING:
                ByteString bytes = (ByteString) value;
                return bytes.isEmpty() && !element ? null
                        : NODES.stringNode(Base64.getEncoder().encodeToString(bytes.toByteArray()));
            case BOOLEAN:
                return NODES.booleanNode((Boolean) value);
            case INT:
                return NODES.numberNode((Integer) value);
            case LONG:
                return NODES.numberNode((Long) value);
            case FLOAT:
                return NODES.numberNode((Float) value);
            case DOUBLE:
                return NODES.numberNode((Double) value);
            case ENUM:
                return NODES.stringNode(((EnumValueDescriptor) value).getName());
            case MESSAGE:
                return message((Message) value);
            default:
                throw new IllegalStateException("unhandled protobuf type " + field.getJavaType());
        }
    }

    private JsonNode message(Message message) {
        Descriptor type = message.getDescriptorForType();
        switch (type.getFullName()) {
            case TIME:
                return message.getAllFields().isEmpty() ? null
                        : time(RFC3339, longField(message, "seconds"), 0);
            case MICRO_TIME:
                return message.getAllFields().isEmpty() ? null
                        : time(RFC3339_MICRO, longField(message, "seconds"), intField(message, "nanos"));
            case DURATION:
                return NODES.stringNode(GoDuration.format(longField(message, "duration")));
            case QUANTITY:
                String quantity = (String) message.getField(type.findFieldByName("string"));
                return NODES.stringNode(quantity.isEmpty() ? "0" : quantity);
            case INT_OR_STRING:
                return longField(message, "type") == 1
                        ? NODES.stringNode((String) message.getField(type.findFieldByName("strVal")))
                        : NODES.numberNode(intField(message, "intVal"));
            case RAW_EXTENSION:
                return embedded((ByteString) message.getField(type.findFieldByName("raw")), "RawExtension");
            case FIELDS_V1:
                return embedded((ByteString) message.getField(type.findFieldByName("Raw")), "FieldsV1");
            default:
                ObjectNode fields = fields(message);
                if (isStringSlice(type)) {
                    JsonNode items = fields.get("items");
                    return items == null ? NODES.arrayNode() : items;
                }
                return fields;
        }
    }

    /** Go's named string slices ({@code type ExtraValue []string}) become a message with one repeated field. */
    private static boolean isStringSlice(Descriptor type) {
        List<FieldDescriptor> fields = type.getFields();
        return fields.size() == 1 && fields.get(0).getName().equals("items") && fields.get(0).isRepeated()
                && fields.get(0).getJavaType() == FieldDescriptor.JavaType.STRING;
    }

    private JsonNode embedded(ByteString raw, String what) {
        if (raw.isEmpty()) {
            return null;
        }
        byte[] bytes = raw.toByteArray();
        if (ProtobufBodies.hasMagic(bytes)) {
            return nested.decode(bytes);
        }
        try {
            return Json.tree(bytes);
        } catch (JacksonException e) {
            throw StatusErrors.badRequest("couldn't decode the protobuf body: a " + what
                    + " holds neither JSON nor a protobuf object: " + e.getOriginalMessage());
        }
    }

    private static JsonNode time(DateTimeFormatter format, long seconds, int nanos) {
        try {
            return NODES.stringNode(format.format(Instant.ofEpochSecond(seconds, nanos)));
        } catch (DateTimeException | ArithmeticException e) {
            throw StatusErrors.badRequest("couldn't decode the protobuf body: time out of range: " + seconds + "s");
        }
    }

    private static long longField(Message message, String name) {
        return (Long) message.getField(message.getDescriptorForType().findFieldByName(name));
    }

    private static int intField(Message message, String name) {
        return (Integer) message.getField(message.getDescriptorForType().findFieldByName(name));
    }

    private static boolean isZero(JsonNode value) {
        return value.isBoolean() ? !value.booleanValue() : value.isNumber() && value.longValue() == 0;
    }

    private static JsonNode orNull(JsonNode node) {
        return node == null ? NODES.nullNode() : node;
    }
}
