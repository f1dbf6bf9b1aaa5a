package io.berth.apiserver.openapi;

import io.berth.apimachinery.schema.ObjectSchema;
import io.berth.apimachinery.schema.Schema;
import io.berth.apimachinery.schema.Schemas;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns fabric8 model classes into OpenAPI schema definitions named and documented as Kubernetes does:
 * descriptions and {@code required} from the official model, {@code $ref}s to other definitions, patch strategies
 * from {@link Schema.PatchMeta}, Kubernetes' special scalars (Quantity, IntOrString, Time, MicroTime) as their own
 * definitions.
 *
 * <p>Each definition is built once per spec version and remembers the definitions it refers to, so a document
 * takes exactly the closure of its roots. Work is iterative: recursive types (JSONSchemaProps-like) never loop.
 * Thread safe (builds are serialized).
 */
final class SchemaBuilder {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String FABRIC8_DURATION = "io.fabric8.kubernetes.api.model.Duration";
    private static final String CONVENTIONS =
            "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md";

    /** One definition and the names of the definitions it refers to. */
    private record Definition(ObjectNode schema, Set<String> refs) {
    }

    private final SpecVersion spec;
    private final ModelDescriptions docs;
    private final KubernetesTypeNames names;
    private final Map<Class<?>, List<GroupVersionKind>> kinds;
    private final Map<String, Definition> definitions = new HashMap<>();

    SchemaBuilder(SpecVersion spec, ModelDescriptions docs, KubernetesTypeNames names,
                  Map<Class<?>, List<GroupVersionKind>> kinds) {
        this.spec = spec;
        this.docs = docs;
        this.names = names;
        this.kinds = Map.copyOf(kinds);
        SpecialDefinitions.all(spec).forEach((name, schema) -> definitions.put(name, new Definition(schema, Set.of())));
    }

    /** Defines a class (and everything it refers to) and returns its definition name. */
    synchronized String define(Class<?> type) {
        Deque<Class<?>> work = new ArrayDeque<>();
        work.add(type);
        while (!work.isEmpty()) {
            Class<?> next = work.poll();
            String name = names.definition(next);
            if (!definitions.containsKey(name)) {
                definitions.put(name, build(next, work));
            }
        }
        return names.definition(type);
    }

    /** A {@code $ref} node to a defined definition. */
    ObjectNode ref(String definition) {
        ObjectNode node = NODES.objectNode();
        node.put("$ref", spec.ref(definition));
        return node;
    }

    /** The definitions reachable from {@code roots}, by name; the nodes are shared and must not be changed. */
    synchronized Map<String, ObjectNode> closure(Collection<String> roots) {
        Map<String, ObjectNode> out = new TreeMap<>();
        Deque<String> work = new ArrayDeque<>(roots);
        while (!work.isEmpty()) {
            String name = work.poll();
            Definition d = definitions.get(name);
            if (d == null) {
                throw new IllegalStateException("undefined OpenAPI definition " + name);
            }
            if (out.put(name, d.schema()) == null) {
                work.addAll(d.refs());
            }
        }
        return out;
    }

    private Definition build(Class<?> type, Deque<Class<?>> work) {
        KubernetesTypeNames.TypeName typeName = names.of(type);
        ModelDescriptions.ModelDoc doc = typeName.officialClass() == null
                ? ModelDescriptions.ModelDoc.NONE
                : docs.of(typeName.officialClass()).orElse(ModelDescriptions.ModelDoc.NONE);
        Set<String> refs = new LinkedHashSet<>();
        ObjectNode schema = NODES.objectNode();
        String typeDescription = doc.description() != null
                ? doc.description() : SpecialDefinitions.description(typeName.definition());
        if (typeDescription != null) {
            schema.put("description", typeDescription);
        }
        ObjectSchema object = Schemas.of(type);
        ObjectNode properties = NODES.objectNode();
        ArrayNode required = NODES.arrayNode();
        List<GroupVersionKind> gvks = kinds.get(type);
        for (Schema.Property property : object.properties().values()) {
            ModelDescriptions.FieldDoc field = doc.field(property.name());
            String description = field != null && field.description() != null
                    ? field.description() : fallbackDescription(property, gvks);
            properties.set(property.name(), property(property, field, description, refs, work));
            if (field != null && field.required()) {
                required.add(property.name());
            }
        }
        if (!properties.isEmpty()) {
            schema.set("properties", properties);
        }
        if (!required.isEmpty()) {
            schema.set("required", required);
        }
        schema.put("type", "object");
        if (gvks != null) {
            ArrayNode list = schema.putArray("x-kubernetes-group-version-kind");
            gvks.forEach(gvk -> list.add(gvk.toNode()));
        }
        return new Definition(schema, Set.copyOf(refs));
    }

    private ObjectNode property(Schema.Property property, ModelDescriptions.FieldDoc field, String description,
                                Set<String> refs, Deque<Class<?>> work) {
        ObjectNode node = schema(property.schema(), field, refs, work);
        ObjectNode extra = NODES.objectNode();
        if (description != null) {
            extra.put("description", description);
        }
        Schema.PatchMeta patch = property.patch();
        if (patch.mergeKey() != null) {
            extra.put("x-kubernetes-patch-merge-key", patch.mergeKey());
        }
        if (patch.strategy() != null) {
            extra.put("x-kubernetes-patch-strategy", patch.strategy());
        }
        if (extra.isEmpty()) {
            return node;
        }
        if (node.has("$ref") && spec == SpecVersion.V3) {
            // OpenAPI 3.0 ignores siblings of $ref; Kubernetes wraps the ref in allOf to keep them.
            ObjectNode wrapped = NODES.objectNode();
            wrapped.putArray("allOf").add(node);
            wrapped.setAll(extra);
            return wrapped;
        }
        node.setAll(extra);
        return node;
    }

    /**
     * The Java model drops the descriptions of struct-typed fields (its generator loses them beside a $ref).
     * Kubernetes' conventional texts stand in for a kind's metadata/spec/status; other such fields borrow the
     * description of the type they hold, which beats kubectl's "&lt;no description&gt;".
     */
    private String fallbackDescription(Schema.Property property, List<GroupVersionKind> gvks) {
        Class<?> held = heldType(property.schema());
        if (held == null) {
            return null;
        }
        if (gvks != null) {
            String kind = gvks.get(0).kind();
            switch (property.name()) {
                case "metadata":
                    return held.getSimpleName().equals("ListMeta")
                            ? "Standard list metadata. More info: " + CONVENTIONS + "#types-kinds"
                            : "Standard object's metadata. More info: " + CONVENTIONS + "#metadata";
                case "spec":
                    return "Specification of the desired behavior of the " + kind + ". More info: "
                            + CONVENTIONS + "#spec-and-status";
                case "status":
                    return "Most recently observed status of the " + kind + ". This data may not be up to date. "
                            + "Populated by the system. Read-only. More info: " + CONVENTIONS + "#spec-and-status";
                default:
                    break;
            }
        }
        String official = names.of(held).officialClass();
        return official == null ? null : docs.of(official).map(ModelDescriptions.ModelDoc::description).orElse(null);
    }

    /** The model class a property holds directly or as list/map elements, or null for scalars. */
    private static Class<?> heldType(Schema schema) {
        if (schema instanceof Schema.Array array) {
            return heldType(array.items());
        }
        if (schema instanceof Schema.MapOf map) {
            return heldType(map.values());
        }
        return schema instanceof ObjectSchema object ? object.type() : null;
    }

    private ObjectNode schema(Schema schema, ModelDescriptions.FieldDoc field, Set<String> refs,
                              Deque<Class<?>> work) {
        if (schema instanceof Schema.Scalar scalar) {
            return scalar(scalar.type(), field, refs);
        }
        if (schema instanceof Schema.Array array) {
            ObjectNode node = NODES.objectNode();
            node.set("items", schema(array.items(), elementOf(field), refs, work));
            node.put("type", "array");
            return node;
        }
        if (schema instanceof Schema.MapOf map) {
            ObjectNode node = NODES.objectNode();
            node.set("additionalProperties", schema(map.values(), elementOf(field), refs, work));
            node.put("type", "object");
            return node;
        }
        if (schema instanceof ObjectSchema object) {
            if (object.type().getName().equals(FABRIC8_DURATION)) {
                return typed("string", null);
            }
            if (object.type().getPackageName().equals("java.time")) {
                // fabric8 maps some MicroTime fields (Lease.spec.acquireTime) to ZonedDateTime.
                return specialRef(KubernetesTypeNames.MICRO_TIME, refs);
            }
            String name = names.definition(object.type());
            if (!definitions.containsKey(name)) {
                work.add(object.type());
            }
            refs.add(name);
            return ref(name);
        }
        ObjectNode any = typed("object", null);
        any.put("x-kubernetes-preserve-unknown-fields", true);
        return any;
    }

    private ObjectNode scalar(Schema.ScalarType type, ModelDescriptions.FieldDoc field, Set<String> refs) {
        return switch (type) {
            case STRING -> {
                if (field != null && field.isTime()) {
                    yield specialRef(KubernetesTypeNames.TIME, refs);
                }
                yield field != null && field.isBytes() ? typed("string", "byte") : typed("string", null);
            }
            case INT32 -> typed("integer", "int32");
            case INT64 -> typed("integer", "int64");
            case NUMBER -> typed("number", "double");
            case BOOLEAN -> typed("boolean", null);
            case INT_OR_STRING -> specialRef(KubernetesTypeNames.INT_OR_STRING, refs);
            case QUANTITY -> specialRef(KubernetesTypeNames.QUANTITY, refs);
            case DATE_TIME -> specialRef(KubernetesTypeNames.MICRO_TIME, refs);
            case BYTES -> typed("string", "byte");
        };
    }

    private ObjectNode specialRef(String name, Set<String> refs) {
        refs.add(name);
        return ref(name);
    }

    /** Elements of a list or map keep only the byte hint: Time is a property-level fact. */
    private static ModelDescriptions.FieldDoc elementOf(ModelDescriptions.FieldDoc field) {
        return field == null || !field.isBytes() ? null : new ModelDescriptions.FieldDoc(null, false, "[B");
    }

    private static ObjectNode typed(String type, String format) {
        ObjectNode node = NODES.objectNode();
        if (format != null) {
            node.put("format", format);
        }
        node.put("type", type);
        return node;
    }
}
