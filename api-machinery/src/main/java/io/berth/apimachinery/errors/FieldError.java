package io.berth.apimachinery.errors;

/**
 * One field's problem in a 422 Invalid answer, as Kubernetes' {@code field.Error}.
 *
 * @param type  the cause reason, {@code FieldValueInvalid}, {@code FieldValueRequired}, ...
 * @param field the field path, {@code spec.containers[0].name}
 */
public record FieldError(String type, String field, String detail) {

    public static FieldError invalid(String field, Object value, String detail) {
        return new FieldError("FieldValueInvalid", field,
                "Invalid value: " + quote(value) + (detail == null || detail.isEmpty() ? "" : ": " + detail));
    }

    public static FieldError required(String field, String detail) {
        return new FieldError("FieldValueRequired", field,
                "Required value" + (detail == null || detail.isEmpty() ? "" : ": " + detail));
    }

    public static FieldError duplicate(String field, Object value) {
        return new FieldError("FieldValueDuplicate", field, "Duplicate value: " + quote(value));
    }

    public static FieldError notSupported(String field, Object value, java.util.Collection<String> supported) {
        return new FieldError("FieldValueNotSupported", field, "Unsupported value: " + quote(value)
                + ": supported values: " + String.join(", ", supported.stream().map(s -> "\"" + s + "\"").toList()));
    }

    public static FieldError forbidden(String field, String detail) {
        return new FieldError("FieldValueForbidden", field, "Forbidden: " + detail);
    }

    public static FieldError tooLong(String field, int max) {
        return new FieldError("FieldValueTooLong", field, "Too long: may not be more than " + max + " bytes");
    }

    /** {@code spec.x: Invalid value: ...}: the line Kubernetes prints for this error. */
    public String message() {
        return field + ": " + detail;
    }

    private static String quote(Object value) {
        if (value instanceof String s) {
            return "\"" + s + "\"";
        }
        return String.valueOf(value);
    }
}
