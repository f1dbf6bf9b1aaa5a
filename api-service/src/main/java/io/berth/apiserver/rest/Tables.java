package io.berth.apiserver.rest;

import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apimachinery.table.TableConvertor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.TableColumnDefinition;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;

/**
 * {@code meta.k8s.io/v1 Table} answers (kubectl's {@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io}),
 * with rows carrying the object per {@code includeObject} (None, Metadata — the default — or Object).
 */
final class Tables {

    enum Include { NONE, METADATA, OBJECT }

    private Tables() {
    }

    static Include include(ServerRequest request) {
        return switch (request.queryParam("includeObject").orElse("Metadata")) {
            case "None" -> Include.NONE;
            case "Object" -> Include.OBJECT;
            default -> Include.METADATA;
        };
    }

    static Mono<ServerResponse> respond(ServerRequest request, ResourceType type, List<HasMetadata> objects,
                                        ListMeta meta, boolean withColumns) {
        ObjectNode table = table(type, objects, meta, include(request), true, Instant.now());
        return Responses.bytes(200, Json.write(table), "application/json", List.of());
    }

    /** A Table of {@code objects}; {@code withColumns} false leaves out the column definitions (watch events). */
    static ObjectNode table(ResourceType type, List<HasMetadata> objects, ListMeta meta, Include include,
                            boolean withColumns, Instant now) {
        TableConvertor convertor = TableConvertor.forType(type);
        ObjectNode table = Json.object();
        table.put("kind", "Table");
        table.put("apiVersion", "meta.k8s.io/v1");
        table.set("metadata", meta == null ? Json.object() : Json.toTree(meta));
        ArrayNode columns = table.putArray("columnDefinitions");
        if (withColumns) {
            for (TableColumnDefinition c : convertor.columns()) {
                columns.add(Json.toTree(c));
            }
        }
        ArrayNode rows = table.putArray("rows");
        for (HasMetadata obj : objects) {
            ObjectNode row = rows.addObject();
            row.set("cells", Json.mapper().valueToTree(convertor.cells(obj, now)));
            switch (include) {
                case OBJECT -> row.set("object", Json.toTree(obj));
                case METADATA -> row.set("object", Json.toTree(Responses.partial(obj)));
                default -> { }
            }
        }
        return table;
    }
}
