package io.berth.apimachinery.table;

import io.berth.apimachinery.errors.StatusErrors;

/** What each Table row carries in {@code object}: the {@code includeObject} query parameter. */
public enum IncludeObject {
    /** No object. */
    NONE("None"),
    /** A {@code meta.k8s.io/v1 PartialObjectMetadata} with the object's metadata (the default). */
    METADATA("Metadata"),
    /** The whole object. */
    OBJECT("Object");

    private final String value;

    IncludeObject(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    /**
     * Reads the query parameter; null or empty means {@link #METADATA}.
     *
     * @throws io.berth.apimachinery.errors.ApiException 400 for any other value, with Kubernetes' message
     */
    public static IncludeObject parse(String value) {
        if (value == null || value.isEmpty()) {
            return METADATA;
        }
        for (IncludeObject o : values()) {
            if (o.value.equals(value)) {
                return o;
            }
        }
        throw StatusErrors.badRequest("unrecognized includeObject value: \"" + value + "\"");
    }
}
