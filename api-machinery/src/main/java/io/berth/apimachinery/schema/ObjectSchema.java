package io.berth.apimachinery.schema;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The schema of a fabric8 model class. Properties are computed on first use (types refer to themselves),
 * then cached; safe to share between threads.
 */
public final class ObjectSchema implements Schema {

    private final Class<?> type;
    private final Function<Class<?>, Map<String, Property>> resolver;
    private volatile Map<String, Property> properties;

    ObjectSchema(Class<?> type, Function<Class<?>, Map<String, Property>> resolver) {
        this.type = type;
        this.resolver = resolver;
    }

    public Class<?> type() {
        return type;
    }

    @Override
    public Map<String, Property> properties() {
        Map<String, Property> p = properties;
        if (p == null) {
            synchronized (this) {
                p = properties;
                if (p == null) {
                    p = resolver.apply(type);
                    properties = p;
                }
            }
        }
        return p;
    }

    public Property property(String name) {
        return properties().get(name);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectSchema other && other.type.equals(type);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type);
    }

    @Override
    public String toString() {
        return "ObjectSchema[" + type.getSimpleName() + "]";
    }
}
