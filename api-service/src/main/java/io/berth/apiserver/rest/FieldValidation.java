package io.berth.apiserver.rest;

import io.berth.apimachinery.errors.StatusErrors;

/** The {@code fieldValidation} query parameter: what to do with unknown (and duplicate) fields. Default Warn. */
enum FieldValidation {
    STRICT, WARN, IGNORE;

    static FieldValidation parse(String value) {
        if (value == null || value.isEmpty()) {
            return WARN;
        }
        return switch (value) {
            case "Strict" -> STRICT;
            case "Warn" -> WARN;
            case "Ignore" -> IGNORE;
            default -> throw StatusErrors.badRequest("fieldValidation parameter unsupported: " + value
                    + " (supported values: Strict, Warn, Ignore)");
        };
    }
}
