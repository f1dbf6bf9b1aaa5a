package io.berth.apimachinery.schema;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.Quantity;
import tools.jackson.databind.JsonNode;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Derives {@link Schema}s from fabric8 model classes by reading their {@code @JsonProperty} fields.
 * Thread safe; every class is described once.
 */
public final class Schemas {

    private static final Map<Class<?>, ObjectSchema> OBJECTS = new ConcurrentHashMap<>();
    private static final Schema STRING = new Schema.Scalar(Schema.ScalarType.STRING);

    private Schemas() {
    }

    /** The schema of a model class. */
    public static ObjectSchema of(Class<?> type) {
        return OBJECTS.computeIfAbsent(type, t -> new ObjectSchema(t, Schemas::resolveProperties));
    }

    private static Map<String, Schema.Property> resolveProperties(Class<?> type) {
        List<Class<?>> hierarchy = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            hierarchy.add(0, c);
        }
        Map<String, Schema.Property> properties = new LinkedHashMap<>();
        for (Class<?> c : hierarchy) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || field.isAnnotationPresent(JsonIgnore.class)) {
                    continue;
                }
                JsonProperty json = field.getAnnotation(JsonProperty.class);
                if (json == null) {
                    continue;
                }
                String name = json.value().isEmpty() ? field.getName() : json.value();
                properties.put(name, new Schema.Property(name, schemaOf(field.getGenericType()),
                        PatchStrategies.lookup(c, name), c));
            }
        }
        return Collections.unmodifiableMap(properties);
    }

    /** The schema of a Java type as fabric8 maps it to JSON. */
    public static Schema schemaOf(Type type) {
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (List.class.isAssignableFrom(raw)) {
                return new Schema.Array(schemaOf(args[0]));
            }
            if (Map.class.isAssignableFrom(raw)) {
                Type value = args[1];
                return value == Object.class || value instanceof WildcardType
                        ? new Schema.Any() : new Schema.MapOf(schemaOf(value));
            }
            return schemaOf(raw);
        }
        if (!(type instanceof Class<?> c)) {
            return new Schema.Any();
        }
        if (c == String.class) {
            return STRING;
        }
        if (c == Integer.class || c == int.class || c == Short.class) {
            return new Schema.Scalar(Schema.ScalarType.INT32);
        }
        if (c == Long.class || c == long.class) {
            return new Schema.Scalar(Schema.ScalarType.INT64);
        }
        if (c == Double.class || c == double.class || c == Float.class || c == float.class) {
            return new Schema.Scalar(Schema.ScalarType.NUMBER);
        }
        if (c == Boolean.class || c == boolean.class) {
            return new Schema.Scalar(Schema.ScalarType.BOOLEAN);
        }
        if (c == IntOrString.class) {
            return new Schema.Scalar(Schema.ScalarType.INT_OR_STRING);
        }
        if (c == Quantity.class) {
            return new Schema.Scalar(Schema.ScalarType.QUANTITY);
        }
        if (c == MicroTime.class || c == java.time.ZonedDateTime.class || c == java.time.OffsetDateTime.class
                || c == java.time.Instant.class) {
            return new Schema.Scalar(Schema.ScalarType.DATE_TIME);
        }
        if (c == byte[].class) {
            return new Schema.Scalar(Schema.ScalarType.BYTES);
        }
        if (c == Object.class || JsonNode.class.isAssignableFrom(c) || c.isInterface()
                || Map.class.isAssignableFrom(c) || c.getName().endsWith(".AnyType")
                || c.getSimpleName().equals("RawExtension")) {
            return new Schema.Any();
        }
        if (List.class.isAssignableFrom(c)) {
            return new Schema.Array(new Schema.Any());
        }
        if (c.isEnum()) {
            return STRING;
        }
        return of(c);
    }
}
