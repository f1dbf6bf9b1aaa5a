package io.berth.apiserver.rest;

import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.registry.ResourceType;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.PartialObjectMetadata;
import io.fabric8.kubernetes.api.model.Status;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes API answers: objects, lists and Status errors as JSON or YAML, with {@code Warning} headers.
 * Table and PartialObjectMetadata forms are produced by {@link Tables}. Stateless.
 */
final class Responses {

    private Responses() {
    }

    static Mono<ServerResponse> bytes(int code, byte[] body, String contentType, List<String> warnings) {
        ServerResponse.BodyBuilder builder = ServerResponse.status(code)
                .header(HttpHeaders.CONTENT_TYPE, contentType);
        for (String w : warnings) {
            builder.header("Warning", "299 - \"" + w.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        }
        return builder.bodyValue(body);
    }

    /** An object already serialized as JSON, re-encoded only for YAML. */
    static Mono<ServerResponse> json(int code, byte[] json, OutputFormat format, List<String> warnings) {
        if (format == OutputFormat.YAML) {
            JsonNode tree = Json.tree(json);
            return bytes(code, Json.writeYaml(tree).getBytes(StandardCharsets.UTF_8), "application/yaml", warnings);
        }
        return bytes(code, json, "application/json", warnings);
    }

    static Mono<ServerResponse> object(int code, Object obj, OutputFormat format, List<String> warnings) {
        if (format == OutputFormat.YAML) {
            return bytes(code, Json.writeYaml(obj).getBytes(StandardCharsets.UTF_8), "application/yaml", warnings);
        }
        return bytes(code, Json.write(obj), "application/json", warnings);
    }

    static Mono<ServerResponse> error(ApiException e) {
        Status status = e.status();
        return bytes(status.getCode(), Json.write(status), "application/json", List.of());
    }

    /**
     * A list assembled from items already serialized: {@code {"kind":"PodList","apiVersion":"v1","metadata":{...},
     * "items":[...]}}.
     */
    static byte[] list(ResourceType type, long revision, String continueToken, Long remaining, List<byte[]> items) {
        ObjectNode meta = Json.object();
        meta.put("resourceVersion", Long.toString(revision));
        if (continueToken != null) {
            meta.put("continue", continueToken);
        }
        if (remaining != null) {
            meta.put("remainingItemCount", remaining);
        }
        int size = 128;
        for (byte[] i : items) {
            size += i.length + 1;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.writeBytes(("{\"kind\":\"" + type.listKind() + "\",\"apiVersion\":\"" + type.apiVersion()
                + "\",\"metadata\":").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(Json.write(meta));
        out.writeBytes(",\"items\":[".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(items.get(i));
        }
        out.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** {@code PartialObjectMetadata} of one object. */
    static PartialObjectMetadata partial(HasMetadata obj) {
        PartialObjectMetadata p = new PartialObjectMetadata();
        p.setApiVersion("meta.k8s.io/v1");
        p.setKind("PartialObjectMetadata");
        p.setMetadata(obj.getMetadata());
        return p;
    }

    static ObjectNode partialList(List<? extends HasMetadata> items, ListMeta meta) {
        ObjectNode list = Json.object();
        list.put("apiVersion", "meta.k8s.io/v1");
        list.put("kind", "PartialObjectMetadataList");
        list.set("metadata", Json.toTree(meta));
        ArrayNode array = list.putArray("items");
        for (HasMetadata item : items) {
            array.add(Json.toTree(partial(item)));
        }
        return list;
    }
}
