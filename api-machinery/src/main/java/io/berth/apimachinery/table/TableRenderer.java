package io.berth.apimachinery.table;

import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.registry.ResourceType;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PartialObjectMetadata;
import io.fabric8.kubernetes.api.model.Table;
import io.fabric8.kubernetes.api.model.TableRow;
import io.fabric8.kubernetes.api.model.runtime.RawExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders objects as a {@code meta.k8s.io/v1 Table}, the answer to
 * {@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io}, as Kubernetes' handlers do: cells from the
 * resource's {@link TableConvertor}, and per row the object, its metadata as a {@code PartialObjectMetadata}, or
 * nothing ({@link IncludeObject}).
 *
 * <p>Watch events: the first event's Table carries the column definitions, later ones are rendered with
 * {@code columnDefinitions = false}.
 *
 * <p>Stateless and thread safe; the objects passed in are not modified (rows hold copies).
 */
public final class TableRenderer {

    /**
     * How to render.
     *
     * @param includeObject     what each row's {@code object} holds
     * @param columnDefinitions false to omit the column definitions (Kubernetes' {@code noHeaders})
     * @param now               the instant ages are computed against
     */
    public record Options(IncludeObject includeObject, boolean columnDefinitions, Instant now) {
        public Options {
            includeObject = includeObject == null ? IncludeObject.METADATA : includeObject;
            now = now == null ? Instant.now() : now;
        }

        /** Metadata rows with column definitions, ages as of now: what kubectl gets by default. */
        public static Options defaults() {
            return new Options(IncludeObject.METADATA, true, Instant.now());
        }
    }

    private TableRenderer() {
    }

    /**
     * A list as a Table.
     *
     * @param listMeta the list's resourceVersion, continue token and remainingItemCount, copied to the Table
     */
    public static Table list(ResourceType type, List<? extends HasMetadata> items, ListMeta listMeta, Options options) {
        ListMeta meta = new ListMeta();
        if (listMeta != null) {
            meta.setResourceVersion(listMeta.getResourceVersion());
            meta.setContinue(listMeta.getContinue());
            meta.setRemainingItemCount(listMeta.getRemainingItemCount());
        }
        return table(type, items, meta, options);
    }

    /** One object (a get, or a watch event's object) as a Table whose resourceVersion is the object's. */
    public static Table single(ResourceType type, HasMetadata obj, Options options) {
        ListMeta meta = new ListMeta();
        if (obj.getMetadata() != null) {
            meta.setResourceVersion(obj.getMetadata().getResourceVersion());
        }
        return table(type, List.of(obj), meta, options);
    }

    private static Table table(ResourceType type, List<? extends HasMetadata> items, ListMeta meta, Options options) {
        TableConvertor convertor = TableConvertor.forType(type);
        Table table = new Table();
        table.setApiVersion("meta.k8s.io/v1");
        table.setKind("Table");
        table.setMetadata(meta);
        table.setColumnDefinitions(options.columnDefinitions() ? new ArrayList<>(convertor.columns()) : null);
        List<TableRow> rows = new ArrayList<>(items.size());
        for (HasMetadata item : items) {
            TableRow row = new TableRow();
            row.setCells(convertor.cells(item, options.now()));
            row.setObject(object(type, item, options.includeObject()));
            rows.add(row);
        }
        table.setRows(rows);
        return table;
    }

    private static RawExtension object(ResourceType type, HasMetadata item, IncludeObject include) {
        return switch (include) {
            case NONE -> null;
            case OBJECT -> {
                tools.jackson.databind.node.ObjectNode copy = Json.object();
                copy.put("apiVersion", type.apiVersion());
                copy.put("kind", type.kind());
                Json.toTree(item).properties().forEach(e -> {
                    if (!copy.has(e.getKey())) {
                        copy.set(e.getKey(), e.getValue());
                    }
                });
                yield new RawExtension(copy);
            }
            case METADATA -> {
                PartialObjectMetadata partial = new PartialObjectMetadata();
                partial.setApiVersion("meta.k8s.io/v1");
                partial.setKind("PartialObjectMetadata");
                partial.setMetadata(item.getMetadata() == null ? new ObjectMeta() : Json.deepCopy(item.getMetadata()));
                yield new RawExtension(partial);
            }
        };
    }
}
