package io.berth.apimachinery.validation;

import io.berth.apimachinery.errors.FieldError;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One validation expectation: the object of {@code resource} that {@code object} builds must be refused with an
 * error at {@code field} of {@code type}; when {@code detail} is given, the error's text must be exactly it.
 */
record Case(String description, String resource, Supplier<HasMetadata> object, String field, String type,
            String detail) {

    static Case of(String description, String resource, Supplier<HasMetadata> object, String field, String type) {
        return new Case(description, resource, object, field, type, null);
    }

    static Case exactly(String description, String resource, Supplier<HasMetadata> object, String field,
                        String type, String detail) {
        return new Case(description, resource, object, field, type, detail);
    }

    void assertReported(List<FieldError> errors) {
        assertThat(errors).as("errors of " + description)
                .anySatisfy(e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.type()).isEqualTo(type);
                    if (detail != null) {
                        assertThat(e.detail()).isEqualTo(detail);
                    }
                });
    }

    @Override
    public String toString() {
        return description;
    }
}
