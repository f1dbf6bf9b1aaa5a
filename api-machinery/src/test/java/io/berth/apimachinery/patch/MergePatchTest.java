package io.berth.apimachinery.patch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import java.util.stream.Stream;

import static io.berth.apimachinery.patch.Trees.json;
import static org.assertj.core.api.Assertions.assertThat;

/** JSON merge patch: the examples of RFC 7386 (section 3 and Appendix A). */
class MergePatchTest {

    record Case(String description, String target, String patch, String expected) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Case> rfc7386() {
        return Stream.of(
                new Case("replaces a member (A.1)", "{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"),
                new Case("adds a member (A.2)", "{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}"),
                new Case("removes a member set to null (A.3)", "{\"a\":\"b\"}", "{\"a\":null}", "{}"),
                new Case("removes only the member set to null (A.4)", "{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}",
                        "{\"b\":\"c\"}"),
                new Case("replaces an array with a string (A.5)", "{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"),
                new Case("replaces a string with an array (A.6)", "{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}"),
                new Case("merges nested objects and drops their null members (A.7)", "{\"a\":{\"b\":\"c\"}}",
                        "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}"),
                new Case("replaces arrays of objects instead of merging them (A.8)", "{\"a\":[{\"b\":\"c\"}]}",
                        "{\"a\":[1]}", "{\"a\":[1]}"),
                new Case("replaces an array with an array (A.9)", "[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]"),
                new Case("replaces an object with an array patch (A.10)", "{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]"),
                new Case("replaces the document with a null patch (A.11)", "{\"a\":\"foo\"}", "null", "null"),
                new Case("replaces the document with a string patch (A.12)", "{\"a\":\"foo\"}", "\"bar\"", "\"bar\""),
                new Case("keeps explicit nulls of the target (A.13)", "{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}"),
                new Case("starts from an empty object when the target is not one (A.14)", "[1,2]",
                        "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}"),
                new Case("drops nulls nested in a new member (A.15)", "{}", "{\"a\":{\"bb\":{\"ccc\":null}}}",
                        "{\"a\":{\"bb\":{}}}"),
                new Case("applies the example of RFC 7386 section 3",
                        """
                        {"title": "Goodbye!", "author": {"givenName": "John", "familyName": "Doe"},
                         "tags": ["example", "sample"], "content": "This will be unchanged"}
                        """,
                        """
                        {"title": "Hello!", "phoneNumber": "+01-123-456-7890",
                         "author": {"familyName": null}, "tags": ["example"]}
                        """,
                        """
                        {"title": "Hello!", "author": {"givenName": "John"}, "tags": ["example"],
                         "content": "This will be unchanged", "phoneNumber": "+01-123-456-7890"}
                        """));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc7386")
    void appliesTheRfcExamples(Case c) {
        JsonNode target = json(c.target());
        JsonNode patch = json(c.patch());
        JsonNode targetBefore = target.deepCopy();
        JsonNode patchBefore = patch.deepCopy();

        JsonNode result = MergePatch.apply(target, patch);

        assertThat(result).isEqualTo(json(c.expected()));
        assertThat(target).as("target is not modified").isEqualTo(targetBefore);
        assertThat(patch).as("patch is not modified").isEqualTo(patchBefore);
    }

    @Test
    void theResultSharesNoNodesWithItsInputs() {
        JsonNode target = json("{\"keep\":{\"x\":1}}");
        JsonNode patch = json("{\"add\":{\"y\":2}}");

        JsonNode result = MergePatch.apply(target, patch);

        assertThat(result.get("keep")).isEqualTo(target.get("keep")).isNotSameAs(target.get("keep"));
        assertThat(result.get("add")).isEqualTo(patch.get("add")).isNotSameAs(patch.get("add"));
    }

    @Test
    void aMissingTargetIsPatchedLikeNull() {
        assertThat(MergePatch.apply(null, json("{\"a\":{\"b\":null}}"))).isEqualTo(json("{\"a\":{}}"));
    }
}
