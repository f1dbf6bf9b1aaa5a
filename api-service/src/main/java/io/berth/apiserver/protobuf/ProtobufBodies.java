package io.berth.apiserver.protobuf;

import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Descriptors.Descriptor;
import io.berth.apimachinery.errors.StatusErrors;
import io.kubernetes.client.proto.Runtime;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.Arrays;
import java.util.Locale;

/**
 * Reads Kubernetes protobuf request bodies ({@code Content-Type: application/vnd.kubernetes.protobuf}, what kubectl's
 * and client-go's typed clients send) into the JSON tree the rest of the request path works on, so a protobuf body
 * and the JSON body of the same object decode, validate and store alike.
 *
 * <p>The wire format is Kubernetes' {@code runtime/serializer/protobuf}: the magic prefix {@code k8s\0}, then a
 * {@code runtime.Unknown} message whose {@code typeMeta} names the {@code apiVersion} and {@code kind} and whose
 * {@code raw} bytes are the object's own message from Kubernetes' generated.proto. The schemas are the official
 * Kubernetes Java client's generated classes (Kubernetes 1.32) plus {@link SupplementalSchemas}; how fields map to
 * JSON is described on {@link ProtobufJson}. Fields the schema does not know are skipped, as Kubernetes' decoder
 * skips them.
 *
 * <p>Every malformed body (wrong prefix, a message that does not parse, an unknown group version or kind, an
 * envelope with a content encoding) is a 400 {@code BadRequest} naming the problem, never a 500. Stateless and
 * thread safe; the schema index is built once, on the first protobuf body.
 */
public final class ProtobufBodies {

    /** Kubernetes' protobuf media type. */
    public static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

    private static final byte[] MAGIC = {'k', '8', 's', 0};
    /** RawExtensions may hold protobuf objects that hold RawExtensions: bound the recursion the body could ask for. */
    private static final int MAX_NESTING = 8;

    private ProtobufBodies() {
    }

    /** True when the Content-Type header (parameters aside) is Kubernetes' protobuf media type. */
    public static boolean isProtobuf(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String mediaType = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
        return mediaType.toLowerCase(Locale.ROOT).equals(MEDIA_TYPE);
    }

    /**
     * The object in a protobuf body as a JSON tree, {@code apiVersion} and {@code kind} (from the envelope) first.
     *
     * @throws io.berth.apimachinery.errors.ApiException 400 BadRequest for anything but a well-formed body of a kind
     *                                                   this server knows
     */
    public static JsonNode decode(byte[] body) {
        return decode(body, 0);
    }

    static boolean hasMagic(byte[] bytes) {
        return bytes.length >= MAGIC.length && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    private static JsonNode decode(byte[] body, int depth) {
        if (depth > MAX_NESTING) {
            throw StatusErrors.badRequest("couldn't decode the protobuf body: objects nested deeper than "
                    + MAX_NESTING + " levels");
        }
        if (!hasMagic(body)) {
            throw StatusErrors.badRequest("couldn't decode the protobuf body: provided data does not appear to be a "
                    + "protobuf message, expected prefix [107 56 115 0]");
        }
        if (body.length == MAGIC.length) {
            throw StatusErrors.badRequest("couldn't decode the protobuf body: empty body");
        }
        Runtime.Unknown envelope;
        try {
            envelope = Runtime.Unknown.parser().parseFrom(body, MAGIC.length, body.length - MAGIC.length);
        } catch (InvalidProtocolBufferException e) {
            throw StatusErrors.badRequest("couldn't decode the protobuf body: the runtime.Unknown envelope is "
                    + "malformed: " + e.getMessage());
        }
        String apiVersion = envelope.getTypeMeta().getApiVersion();
        String kind = envelope.getTypeMeta().getKind();
        if (kind.isEmpty()) {
            throw StatusErrors.badRequest("Object 'Kind' is missing in the protobuf envelope");
        }
        if (apiVersion.isEmpty()) {
            throw StatusErrors.badRequest("Object 'apiVersion' is missing in the protobuf envelope");
        }
        if (!envelope.getContentEncoding().isEmpty()) {
            throw StatusErrors.badRequest("couldn't decode the protobuf body: unsupported content encoding \""
                    + envelope.getContentEncoding() + "\"");
        }
        Descriptor schema = ProtobufSchemas.find(apiVersion, kind).orElseThrow(() -> StatusErrors.badRequest(
                "no kind \"" + kind + "\" is registered for version \"" + apiVersion + "\""));
        DynamicMessage object;
        try {
            object = DynamicMessage.parseFrom(schema, envelope.getRaw());
        } catch (InvalidProtocolBufferException e) {
            throw StatusErrors.badRequest(kind + " in version \"" + version(apiVersion) + "\" cannot be handled as a "
                    + kind + ": protobuf: " + e.getMessage());
        }
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        tree.put("apiVersion", apiVersion);
        tree.put("kind", kind);
        tree.setAll(new ProtobufJson(nested -> decode(nested, depth + 1)).fields(object));
        return tree;
    }

    private static String version(String apiVersion) {
        return apiVersion.substring(apiVersion.indexOf('/') + 1);
    }
}
