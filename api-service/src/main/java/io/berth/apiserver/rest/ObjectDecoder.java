package io.berth.apiserver.rest;

import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apimachinery.schema.Schemas;
import io.berth.apimachinery.schema.UnknownFields;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns a request body into a typed object of the endpoint's kind: the kind and apiVersion must match the path
 * (400), unknown fields are refused, warned about or dropped per {@code fieldValidation} (nothing unknown is ever
 * stored), and type errors are a 400 naming the problem. Stateless.
 */
final class ObjectDecoder {

    /** A decoded object and the {@code Warning} headers the response carries. */
    record Decoded(HasMetadata object, List<String> warnings) {
    }

    private ObjectDecoder() {
    }

    static Decoded decode(ResourceType type, byte[] body, Bodies.Kind kind, FieldValidation validation) {
        JsonNode tree = Bodies.parse(body, kind, validation == FieldValidation.STRICT);
        return fromTree(type, tree, validation, true);
    }

    static Decoded fromTree(ResourceType type, JsonNode tree, FieldValidation validation, boolean checkKind) {
        if (!(tree instanceof ObjectNode obj)) {
            throw StatusErrors.badRequest("couldn't decode the body: the object provided is not a JSON object"
                    + " (must be of type " + type.kind() + ")");
        }
        if (checkKind) {
            checkKind(type, obj);
        }
        List<String> unknown = UnknownFields.find(obj, Schemas.of(type.type()), validation != FieldValidation.STRICT);
        List<String> warnings = List.of();
        if (!unknown.isEmpty()) {
            String joined = unknown.stream().map(f -> "unknown field \"" + f + "\"").collect(Collectors.joining(", "));
            if (validation == FieldValidation.STRICT) {
                throw StatusErrors.badRequest("strict decoding error: " + joined);
            }
            if (validation == FieldValidation.WARN) {
                warnings = unknown.stream().map(f -> "unknown field \"" + f + "\"").toList();
            }
        }
        HasMetadata object;
        try {
            object = Json.convert(obj, type.type());
        } catch (JacksonException e) {
            throw StatusErrors.badRequest(type.kind() + " in version \"" + type.version() + "\" cannot be handled as a "
                    + type.kind() + ": " + describe(e));
        }
        if (object.getMetadata() == null) {
            object.setMetadata(new ObjectMeta());
        }
        object.setApiVersion(type.apiVersion());
        return new Decoded(object, warnings);
    }

    private static void checkKind(ResourceType type, ObjectNode obj) {
        JsonNode apiVersion = obj.get("apiVersion");
        JsonNode kind = obj.get("kind");
        if (apiVersion != null && !apiVersion.isNull() && !apiVersion.asString("").isEmpty()
                && !apiVersion.asString("").equals(type.apiVersion())) {
            throw StatusErrors.badRequest("the API version in the data (" + apiVersion.asString("")
                    + ") does not match the expected API version (" + type.apiVersion() + ")");
        }
        if (kind != null && !kind.isNull() && !kind.asString("").isEmpty() && !kind.asString("").equals(type.kind())) {
            throw StatusErrors.badRequest(kind.asString("") + " in version \"" + type.version()
                    + "\" cannot be handled as a " + type.kind() + ": the kind in the body (" + kind.asString("")
                    + ") does not match the resource's kind (" + type.kind() + ")");
        }
    }

    /** The decoder's complaint, with Jackson's Java class names left out. */
    static String describe(JacksonException e) {
        String message = Bodies.firstLine(e.getOriginalMessage());
        String path = e.getPath() == null ? "" : e.getPath().stream()
                .map(ref -> ref.getPropertyName() != null ? "." + ref.getPropertyName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining());
        if (path.startsWith(".")) {
            path = path.substring(1);
        }
        message = message.replaceAll("`[a-zA-Z0-9_.$]+\\.([A-Za-z0-9_$]+)`", "$1");
        return (path.isEmpty() ? "" : "field " + path + ": ") + message;
    }
}
