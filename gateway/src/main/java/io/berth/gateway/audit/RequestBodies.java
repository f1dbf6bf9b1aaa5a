package io.berth.gateway.audit;

import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.request.RequestInfo;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides what of a captured request body the audit trail keeps. Secret payloads are parsed (JSON or YAML) and kept
 * only redacted, re-serialized as JSON: the raw bytes of a Secret request are never kept, and a Secret payload that
 * cannot be parsed (a truncated one, protobuf, garbage) is not kept at all. Other JSON and YAML bodies are kept as
 * sent, unless they carry a Secret where none belongs, which is then redacted too. Binary and encoded bodies are not
 * kept. Stateless; runs on the audit writer's thread, off the request path.
 */
final class RequestBodies {

    static final String UNPARSEABLE_SECRET = "unparseable secret payload";

    private static final MediaType JSON_PATCH = MediaType.valueOf("application/json-patch+json");
    private static final Set<String> YAML_SUBTYPES = Set.of("yaml", "x-yaml", "apply-patch+yaml");
    /** A Secret's kind in text that could not be parsed: JSON or YAML, quoted or not. */
    private static final Pattern SECRET_KIND = Pattern.compile("[\"']?kind[\"']?\\s*:\\s*[\"']?Secret\\b");
    /** H2's longest VARCHAR; a re-serialized body beyond it is cut. */
    static final int MAX_CHARS = 1_000_000;

    private RequestBodies() {
    }

    private enum Sensitivity { SECRET, TOKEN_REVIEW, NONE }

    private enum Syntax { JSON, YAML, UNKNOWN, OPAQUE }

    static RecordedBody record(RequestInfo info, CapturedBody body) {
        if (body == null || body.size() == 0) {
            return RecordedBody.NONE;
        }
        String encoding = body.contentEncoding();
        if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
            return RecordedBody.notRecorded("content encoding " + encoding.trim());
        }
        MediaType type = mediaType(body.contentType());
        Syntax syntax = syntax(type);
        Sensitivity sensitivity = sensitivity(info);
        return switch (sensitivity) {
            case SECRET -> sensitive(body, type, syntax, UNPARSEABLE_SECRET, true);
            case TOKEN_REVIEW -> sensitive(body, type, syntax, "unparseable token review", false);
            case NONE -> ordinary(body, type, syntax);
        };
    }

    private static RecordedBody sensitive(CapturedBody body, MediaType type, Syntax syntax, String unparseable,
                                          boolean secret) {
        if (body.truncated()) {
            return RecordedBody.notRecorded(unparseable);
        }
        JsonNode tree = parse(body.bytes(), syntax);
        if (tree == null) {
            return RecordedBody.notRecorded(unparseable);
        }
        try {
            if (!secret) {
                SecretRedaction.redactTokenReview(tree);
            } else if (type != null && JSON_PATCH.equalsTypeAndSubtype(type)) {
                SecretRedaction.redactSecretJsonPatch(tree);
            } else {
                SecretRedaction.redactSecret(tree);
            }
        } catch (IllegalArgumentException e) {
            return RecordedBody.notRecorded(unparseable);
        }
        return text(Json.writeString(tree), false);
    }

    private static RecordedBody ordinary(CapturedBody body, MediaType type, Syntax syntax) {
        if (syntax == Syntax.OPAQUE) {
            return RecordedBody.notRecorded(type + " payload");
        }
        String raw = new String(body.bytes(), StandardCharsets.UTF_8);
        JsonNode tree = body.truncated() ? null : parse(body.bytes(), syntax);
        if (tree != null) {
            if (SecretRedaction.holdsSecret(tree)) {
                SecretRedaction.redactEmbeddedSecrets(tree);
                return text(Json.writeString(tree), false);
            }
            if (syntax != Syntax.JSON && SECRET_KIND.matcher(raw).find()) {
                // YAML may hold further documents after the one parsed: keep only what was read
                return text(Json.writeString(tree), false);
            }
            return text(raw, false);
        }
        if (SECRET_KIND.matcher(raw).find()) {
            return RecordedBody.notRecorded(UNPARSEABLE_SECRET);
        }
        return text(raw, body.truncated());
    }

    private static RecordedBody text(String text, boolean truncated) {
        if (text.length() > MAX_CHARS) {
            return new RecordedBody(text.substring(0, MAX_CHARS), true, null);
        }
        return new RecordedBody(text, truncated, null);
    }

    /** A JSON or YAML tree, or null when the bytes are neither (of the declared syntax). */
    private static JsonNode parse(byte[] bytes, Syntax syntax) {
        try {
            return switch (syntax) {
                case JSON -> Json.tree(bytes);
                case YAML -> Json.yamlTree(bytes);
                case UNKNOWN -> {
                    try {
                        yield Json.tree(bytes);
                    } catch (RuntimeException notJson) {
                        yield Json.yamlTree(bytes);
                    }
                }
                case OPAQUE -> null;
            };
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Sensitivity sensitivity(RequestInfo info) {
        if (!info.resourceRequest()) {
            return Sensitivity.NONE;
        }
        if (info.group().isEmpty() && info.resource().equals("secrets")) {
            return Sensitivity.SECRET;
        }
        if (info.group().equals("authentication.k8s.io") && info.resource().equals("tokenreviews")) {
            return Sensitivity.TOKEN_REVIEW;
        }
        return Sensitivity.NONE;
    }

    private static MediaType mediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return null;
        }
        try {
            return MediaType.parseMediaType(contentType);
        } catch (InvalidMediaTypeException e) {
            return MediaType.APPLICATION_OCTET_STREAM;
        }
    }

    private static Syntax syntax(MediaType type) {
        if (type == null) {
            return Syntax.UNKNOWN;
        }
        String subtype = type.getSubtype().toLowerCase(Locale.ROOT);
        if (subtype.equals("json") || subtype.endsWith("+json")) {
            return Syntax.JSON;
        }
        if (YAML_SUBTYPES.contains(subtype) || subtype.endsWith("+yaml")) {
            return Syntax.YAML;
        }
        return Syntax.OPAQUE;
    }
}
