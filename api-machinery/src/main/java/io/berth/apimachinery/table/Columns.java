package io.berth.apimachinery.table;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.TableColumnDefinition;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/** Column definitions with Kubernetes' names, types and descriptions; a convertor made of columns and a cell function. */
final class Columns {

    static final String NAME_DOC = "Name must be unique within a namespace. Is required when creating resources,"
            + " although some resources may allow a client to request the generation of an appropriate name"
            + " automatically. Name is primarily intended for creation idempotence and configuration definition."
            + " Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
    static final String CREATED_DOC = "CreationTimestamp is a timestamp representing the server time when this"
            + " object was created. It is not guaranteed to be set in happens-before order across separate operations."
            + " Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the"
            + " system. Read-only. Null for lists. More info:"
            + " https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

    private Columns() {
    }

    /** Builds columns from (name, type, priority, description) tuples; "Name" gets format "name". */
    static final class Builder {
        private final List<TableColumnDefinition> columns = new ArrayList<>();

        Builder name() {
            return add("Name", "string", "name", 0, NAME_DOC);
        }

        Builder age() {
            return add("Age", "string", "", 0, CREATED_DOC);
        }

        Builder string(String name, String description) {
            return add(name, "string", "", 0, description);
        }

        Builder integer(String name, String description) {
            return add(name, "integer", "", 0, description);
        }

        Builder bool(String name, String description) {
            return add(name, "boolean", "", 0, description);
        }

        Builder wide(String name, String description) {
            return add(name, "string", "", 1, description);
        }

        Builder add(String name, String type, String format, int priority, String description) {
            TableColumnDefinition c = new TableColumnDefinition();
            c.setName(name);
            c.setType(type);
            c.setFormat(format);
            c.setPriority(priority);
            c.setDescription(description);
            columns.add(c);
            return this;
        }

        <T extends HasMetadata> TableConvertor cells(Class<T> type, BiFunction<T, Instant, List<Object>> cells) {
            return new Convertor<>(List.copyOf(columns), type, cells);
        }
    }

    static Builder builder() {
        return new Builder();
    }

    private record Convertor<T extends HasMetadata>(List<TableColumnDefinition> definitions, Class<T> type,
                                                   BiFunction<T, Instant, List<Object>> cellFunction)
            implements TableConvertor {
        /** Copies: fabric8 definitions are mutable and these are shared. */
        @Override
        public List<TableColumnDefinition> columns() {
            return definitions.stream().map(d -> {
                TableColumnDefinition c = new TableColumnDefinition();
                c.setName(d.getName());
                c.setType(d.getType());
                c.setFormat(d.getFormat());
                c.setPriority(d.getPriority());
                c.setDescription(d.getDescription());
                return c;
            }).toList();
        }

        @Override
        public List<Object> cells(HasMetadata obj, Instant now) {
            return cellFunction.apply(type.cast(obj), now);
        }
    }
}
