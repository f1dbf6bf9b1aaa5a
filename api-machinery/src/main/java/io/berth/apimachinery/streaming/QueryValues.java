package io.berth.apimachinery.streaming;

import io.berth.apimachinery.errors.StatusErrors;

import java.util.List;
import java.util.function.Function;

/**
 * Query parameters read as kube-apiserver's parameter codec reads them into an options object: the first value
 * counts; a boolean is true unless absent, {@code 0} or {@code false} (any case), so {@code ?follow} alone is true;
 * an integer that does not parse is 400 BadRequest.
 */
final class QueryValues {

    private final Function<String, List<String>> query;

    /** @param query every value of a parameter by name, empty (or null) when it is absent */
    QueryValues(Function<String, List<String>> query) {
        this.query = query;
    }

    /** The first value; {@code ""} for a parameter without one ({@code ?follow}), null when absent. */
    String string(String name) {
        List<String> values = query.apply(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        return values.get(0) == null ? "" : values.get(0);
    }

    List<String> strings(String name) {
        List<String> values = query.apply(name);
        return values == null ? List.of() : values.stream().map(v -> v == null ? "" : v).toList();
    }

    boolean present(String name) {
        return string(name) != null;
    }

    boolean bool(String name, boolean absent) {
        String value = string(name);
        if (value == null) {
            return absent;
        }
        return !(value.equals("0") || value.equalsIgnoreCase("false"));
    }

    Long integer(String name) {
        String value = string(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw StatusErrors.badRequest("invalid value \"" + value + "\" for query parameter " + name
                    + ": not an integer");
        }
    }
}
