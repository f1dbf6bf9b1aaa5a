package io.berth.apimachinery.patch;

import io.berth.apimachinery.errors.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

import java.util.stream.Stream;

import static io.berth.apimachinery.patch.Trees.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * JSON patch: the examples of RFC 6902 Appendix A, and the errors kube-apiserver v1.32 answers
 * ({@code applyJSPatch}): 400 for an undecodable document, 413 past 10000 operations, 422 for an operation
 * that does not apply.
 */
class JsonPatchesTest {

    record Case(String description, String target, String patch, String expected) {
        @Override
        public String toString() {
            return description;
        }
    }

    record ErrorCase(String description, String target, String patch, int code, String reason, String message) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Case> rfc6902() {
        return Stream.of(
                new Case("adds an object member (A.1)", "{\"foo\":\"bar\"}",
                        "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\"}]", "{\"baz\":\"qux\",\"foo\":\"bar\"}"),
                new Case("adds an array element (A.2)", "{\"foo\":[\"bar\",\"baz\"]}",
                        "[{\"op\":\"add\",\"path\":\"/foo/1\",\"value\":\"qux\"}]", "{\"foo\":[\"bar\",\"qux\",\"baz\"]}"),
                new Case("removes an object member (A.3)", "{\"baz\":\"qux\",\"foo\":\"bar\"}",
                        "[{\"op\":\"remove\",\"path\":\"/baz\"}]", "{\"foo\":\"bar\"}"),
                new Case("removes an array element (A.4)", "{\"foo\":[\"bar\",\"qux\",\"baz\"]}",
                        "[{\"op\":\"remove\",\"path\":\"/foo/1\"}]", "{\"foo\":[\"bar\",\"baz\"]}"),
                new Case("replaces a value (A.5)", "{\"baz\":\"qux\",\"foo\":\"bar\"}",
                        "[{\"op\":\"replace\",\"path\":\"/baz\",\"value\":\"boo\"}]", "{\"baz\":\"boo\",\"foo\":\"bar\"}"),
                new Case("moves a value (A.6)",
                        "{\"foo\":{\"bar\":\"baz\",\"waldo\":\"fred\"},\"qux\":{\"corge\":\"grault\"}}",
                        "[{\"op\":\"move\",\"from\":\"/foo/waldo\",\"path\":\"/qux/thud\"}]",
                        "{\"foo\":{\"bar\":\"baz\"},\"qux\":{\"corge\":\"grault\",\"thud\":\"fred\"}}"),
                new Case("moves an array element (A.7)", "{\"foo\":[\"all\",\"grass\",\"cows\",\"eat\"]}",
                        "[{\"op\":\"move\",\"from\":\"/foo/1\",\"path\":\"/foo/3\"}]",
                        "{\"foo\":[\"all\",\"cows\",\"eat\",\"grass\"]}"),
                new Case("passes a test that holds (A.8)", "{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}",
                        "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"qux\"},{\"op\":\"test\",\"path\":\"/foo/1\",\"value\":2}]",
                        "{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}"),
                new Case("adds a nested member object (A.10)", "{\"foo\":\"bar\"}",
                        "[{\"op\":\"add\",\"path\":\"/child\",\"value\":{\"grandchild\":{}}}]",
                        "{\"foo\":\"bar\",\"child\":{\"grandchild\":{}}}"),
                new Case("ignores unrecognized members of an operation (A.11)", "{\"foo\":\"bar\"}",
                        "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\",\"xyz\":123}]",
                        "{\"foo\":\"bar\",\"baz\":\"qux\"}"),
                new Case("unescapes ~1 and ~0 in paths (A.14)", "{\"/\":9,\"~1\":10}",
                        "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":10}]", "{\"/\":9,\"~1\":10}"),
                new Case("adds a member whose key holds an escaped tilde", "{}",
                        "[{\"op\":\"add\",\"path\":\"/~01\",\"value\":1},"
                                + "{\"op\":\"move\",\"from\":\"/~01\",\"path\":\"/a~1b~0c\"}]",
                        "{\"a/b~c\":1}"),
                new Case("adds an array value (A.16)", "{\"foo\":[\"bar\"]}",
                        "[{\"op\":\"add\",\"path\":\"/foo/-\",\"value\":[\"abc\",\"def\"]}]",
                        "{\"foo\":[\"bar\",[\"abc\",\"def\"]]}"),
                new Case("replaces a container image as in kubectl patch --type=json",
                        "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"old\"}]}}",
                        "[{\"op\":\"replace\",\"path\":\"/spec/containers/0/image\",\"value\":\"new image\"}]",
                        "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"new image\"}]}}"),
                new Case("adds null for an add without value, as Kubernetes' json-patch does", "{\"foo\":\"bar\"}",
                        "[{\"op\":\"add\",\"path\":\"/baz\"}]", "{\"foo\":\"bar\",\"baz\":null}"),
                new Case("changes nothing for an empty operation list", "{\"foo\":\"bar\"}", "[]", "{\"foo\":\"bar\"}"),
                new Case("changes nothing for a null document, which Kubernetes decodes as no operations",
                        "{\"foo\":\"bar\"}", "null", "{\"foo\":\"bar\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc6902")
    void appliesTheRfcExamples(Case c) {
        JsonNode target = json(c.target());
        JsonNode patch = json(c.patch());
        JsonNode targetBefore = target.deepCopy();
        JsonNode patchBefore = patch.deepCopy();

        JsonNode result = JsonPatches.apply(target, patch);

        assertThat(result).isEqualTo(json(c.expected()));
        assertThat(target).as("target is not modified").isEqualTo(targetBefore);
        assertThat(patch).as("patch is not modified").isEqualTo(patchBefore);
    }

    static Stream<ErrorCase> errors() {
        String rejected = "the server rejected our request due to an error in our request";
        return Stream.of(
                new ErrorCase("fails a test that does not hold with 422 (A.9)", "{\"baz\":\"qux\"}",
                        "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"bar\"}]", 422, "Invalid", rejected),
                new ErrorCase("fails adding to a nonexistent target with 422 (A.12)", "{\"foo\":\"bar\"}",
                        "[{\"op\":\"add\",\"path\":\"/baz/bat\",\"value\":\"qux\"}]", 422, "Invalid", rejected),
                new ErrorCase("takes the last of duplicate members, then fails removing what is not there (A.13)",
                        "{\"foo\":\"bar\"}",
                        "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\",\"op\":\"remove\"}]", 422, "Invalid", rejected),
                new ErrorCase("fails comparing a string with a number with 422 (A.15)", "{\"/\":9,\"~1\":10}",
                        "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":\"10\"}]", 422, "Invalid", rejected),
                new ErrorCase("fails an unknown operation with 422", "{}",
                        "[{\"op\":\"frobnicate\",\"path\":\"/a\"}]", 422, "Invalid", rejected),
                new ErrorCase("fails an operation without path with 422", "{}",
                        "[{\"op\":\"add\",\"value\":1}]", 422, "Invalid", rejected),
                new ErrorCase("fails a path without leading slash with 422", "{}",
                        "[{\"op\":\"add\",\"path\":\"a\",\"value\":1}]", 422, "Invalid", rejected),
                new ErrorCase("fails removing a missing member with 422", "{\"foo\":\"bar\"}",
                        "[{\"op\":\"remove\",\"path\":\"/nope\"}]", 422, "Invalid", rejected),
                new ErrorCase("fails replacing a missing member with 422", "{\"foo\":\"bar\"}",
                        "[{\"op\":\"replace\",\"path\":\"/nope\",\"value\":1}]", 422, "Invalid", rejected),
                new ErrorCase("refuses a document that is an object, not an array, with 400", "{}",
                        "{\"op\":\"add\",\"path\":\"/a\",\"value\":1}", 400, "BadRequest",
                        "json: cannot unmarshal object into Go value of type jsonpatch.Patch"),
                new ErrorCase("refuses an operation that is not an object with 400", "{}", "[1]", 400, "BadRequest",
                        "json: cannot unmarshal number into Go value of type jsonpatch.Operation"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void failsAsKubeApiserverFails(ErrorCase c) {
        JsonNode target = json(c.target());
        JsonNode targetBefore = target.deepCopy();

        ApiException error = catchThrowableOfType(ApiException.class, () -> JsonPatches.apply(target, json(c.patch())));

        assertThat(error).isNotNull();
        assertThat(error.code()).isEqualTo(c.code());
        assertThat(error.reason()).isEqualTo(c.reason());
        assertThat(error.getMessage()).isEqualTo(c.message());
        assertThat(target).as("target is not modified").isEqualTo(targetBefore);
    }

    @Test
    void refusesMoreOperationsThanKubernetesAllowsWith413() {
        ArrayNode patch = Nodes.FACTORY.arrayNode();
        for (int i = 0; i <= JsonPatches.MAX_OPERATIONS; i++) {
            patch.add(json("{\"op\":\"test\",\"path\":\"/a\",\"value\":1}"));
        }

        ApiException error = catchThrowableOfType(ApiException.class, () -> JsonPatches.apply(json("{\"a\":1}"), patch));

        assertThat(error.code()).isEqualTo(413);
        assertThat(error.reason()).isEqualTo("RequestEntityTooLarge");
        assertThat(error.getMessage()).isEqualTo("Request entity too large: "
                + "The allowed maximum operations in a JSON patch is 10000, got 10001");
    }

    @Test
    void appliesAllOrNothing() {
        JsonNode target = json("{\"a\":1}");
        JsonNode patch = json("[{\"op\":\"add\",\"path\":\"/b\",\"value\":2},{\"op\":\"test\",\"path\":\"/a\",\"value\":5}]");

        assertThat(catchThrowableOfType(ApiException.class, () -> JsonPatches.apply(target, patch))).isNotNull();
        assertThat(target).isEqualTo(json("{\"a\":1}"));
    }
}
