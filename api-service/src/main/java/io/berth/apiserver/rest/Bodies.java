package io.berth.apiserver.rest;

import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.json.Json;
import io.berth.apiserver.protobuf.ProtobufBodies;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.util.Locale;

/**
 * Reads request bodies: the 3 MiB limit (413 before anything is parsed), then JSON, YAML or Kubernetes protobuf by
 * Content-Type (415 for anything else), with Kubernetes' error wording for malformed input (400). A protobuf body
 * becomes the same JSON tree its JSON form would ({@link ProtobufBodies}).
 */
final class Bodies {

    enum Kind { JSON, YAML, PROTOBUF, JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH }

    private Bodies() {
    }

    static Mono<byte[]> read(ServerRequest request, long limit) {
        long declared = request.headers().contentLength().orElse(-1);
        if (declared > limit) {
            return Mono.error(tooLarge(limit));
        }
        return DataBufferUtils.join(request.bodyToFlux(DataBuffer.class), (int) Math.min(Integer.MAX_VALUE, limit))
                .map(buffer -> {
                    try {
                        byte[] bytes = new byte[buffer.readableByteCount()];
                        buffer.read(bytes);
                        return bytes;
                    } finally {
                        DataBufferUtils.release(buffer);
                    }
                })
                .defaultIfEmpty(new byte[0])
                .onErrorMap(DataBufferLimitException.class, e -> tooLarge(limit));
    }

    private static RuntimeException tooLarge(long limit) {
        return StatusErrors.tooLarge("Request entity too large: limit is " + limit);
    }

    /** The body kind of a create or update; 415 for types that are neither JSON, YAML nor protobuf. */
    static Kind objectKind(String contentType) {
        String mt = mediaType(contentType);
        if (mt.isEmpty() || mt.equals("application/json") || mt.equals("*/*")) {
            return Kind.JSON;
        }
        if (mt.equals("application/yaml") || mt.equals("application/x-yaml") || mt.equals("text/yaml")) {
            return Kind.YAML;
        }
        if (ProtobufBodies.isProtobuf(contentType)) {
            return Kind.PROTOBUF;
        }
        throw StatusErrors.unsupportedMediaType(contentType);
    }

    /** The patch type of a PATCH; 415 for anything else. */
    static Kind patchKind(String contentType) {
        return switch (mediaType(contentType)) {
            case "application/json-patch+json" -> Kind.JSON_PATCH;
            case "application/merge-patch+json" -> Kind.MERGE_PATCH;
            case "application/strategic-merge-patch+json" -> Kind.STRATEGIC_MERGE_PATCH;
            case "application/apply-patch+yaml" -> Kind.APPLY_PATCH;
            default -> throw StatusErrors.unsupportedPatchType(contentType);
        };
    }

    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a JSON, YAML or protobuf document into a tree. Malformed input is a 400 naming the problem.
     *
     * @param strict refuse duplicate keys ({@code fieldValidation=Strict}; protobuf has none)
     */
    static JsonNode parse(byte[] body, Kind kind, boolean strict) {
        if (body.length == 0) {
            throw StatusErrors.badRequest("the body of the request is empty");
        }
        if (kind == Kind.PROTOBUF) {
            return ProtobufBodies.decode(body);
        }
        try {
            if (kind == Kind.YAML || kind == Kind.APPLY_PATCH) {
                JsonNode node = Json.yamlTree(body);
                if (node == null || node.isMissingNode()) {
                    throw StatusErrors.badRequest("the body of the request is empty");
                }
                return node;
            }
            return strict ? Json.strictTree(body) : Json.tree(body);
        } catch (JacksonException e) {
            String what = kind == Kind.YAML ? "error converting YAML to JSON: yaml: " : "json parse error: ";
            if (strict && e.getMessage() != null && e.getMessage().startsWith("Duplicate Object property")) {
                throw StatusErrors.badRequest("strict decoding error: " + firstLine(e.getOriginalMessage()));
            }
            throw StatusErrors.badRequest("couldn't decode the body: " + what + firstLine(e.getOriginalMessage()));
        }
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
