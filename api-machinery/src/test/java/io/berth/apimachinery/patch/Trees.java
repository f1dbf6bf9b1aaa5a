package io.berth.apimachinery.patch;

import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.schema.Schemas;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Test support: trees from YAML or JSON text, and the checks every patch case shares. */
final class Trees {

    private Trees() {
    }

    static JsonNode yaml(String text) {
        return Json.yamlTree(text.getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode json(String text) {
        return Json.tree(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Applies a strategic merge patch and checks the result and that neither input changed. */
    static void assertStrategicPatch(Class<?> type, String original, String patch, String expected) {
        JsonNode originalTree = yaml(original);
        JsonNode patchTree = yaml(patch);
        JsonNode originalBefore = originalTree.deepCopy();
        JsonNode patchBefore = patchTree.deepCopy();

        JsonNode result = StrategicMergePatch.apply(originalTree, patchTree, Schemas.of(type));

        assertThat(result).isEqualTo(yaml(expected));
        assertThat(originalTree).as("original is not modified").isEqualTo(originalBefore);
        assertThat(patchTree).as("patch is not modified").isEqualTo(patchBefore);
    }

    /** Applies a strategic merge patch that must fail; returns the error for further checks. */
    static ApiException strategicPatchError(Class<?> type, String original, String patch) {
        JsonNode originalTree = yaml(original);
        JsonNode originalBefore = originalTree.deepCopy();
        ApiException error = catchThrowableOfType(ApiException.class,
                () -> StrategicMergePatch.apply(originalTree, yaml(patch), Schemas.of(type)));
        assertThat(error).as("the patch is refused").isNotNull();
        assertThat(originalTree).as("original is not modified").isEqualTo(originalBefore);
        return error;
    }
}
