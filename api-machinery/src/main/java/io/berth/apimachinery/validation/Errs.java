package io.berth.apimachinery.validation;

import io.berth.apimachinery.errors.FieldError;

import java.util.Collection;
import java.util.List;

/** {@link FieldError} factories taking a {@link FieldPath}, plus the two error types FieldError lacks. */
final class Errs {

    private Errs() {
    }

    static FieldError invalid(FieldPath path, Object value, String detail) {
        return FieldError.invalid(path.value(), value, detail);
    }

    static FieldError required(FieldPath path, String detail) {
        return FieldError.required(path.value(), detail);
    }

    static FieldError duplicate(FieldPath path, Object value) {
        return FieldError.duplicate(path.value(), value);
    }

    static FieldError notSupported(FieldPath path, Object value, Collection<String> supported) {
        return FieldError.notSupported(path.value(), value, supported);
    }

    static FieldError forbidden(FieldPath path, String detail) {
        return FieldError.forbidden(path.value(), detail);
    }

    static FieldError tooLong(FieldPath path, int max) {
        return FieldError.tooLong(path.value(), max);
    }

    static FieldError notFound(FieldPath path, String value) {
        return new FieldError("FieldValueNotFound", path.value(), "Not found: " + GoValue.quote(value));
    }

    static FieldError tooMany(FieldPath path, int actual, int max) {
        return new FieldError("FieldValueTooMany", path.value(),
                "Too many: " + actual + ": must have at most " + max + " items");
    }

    /** One Invalid error per message, Kubernetes' usual way of reporting a syntax rule. */
    static void invalidEach(List<FieldError> errs, FieldPath path, String value, List<String> messages) {
        for (String msg : messages) {
            errs.add(invalid(path, value, msg));
        }
    }

    static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }

    static <K, V> java.util.Map<K, V> map(java.util.Map<K, V> m) {
        return m == null ? java.util.Map.of() : m;
    }
}
