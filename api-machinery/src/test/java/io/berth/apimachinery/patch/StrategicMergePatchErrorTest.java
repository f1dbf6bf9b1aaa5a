package io.berth.apimachinery.patch;

import io.berth.apimachinery.errors.ApiException;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.berth.apimachinery.patch.Trees.strategicPatchError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed strategic merge patches fail as kube-apiserver v1.32 fails them ({@code interpretStrategicMergePatchError}):
 * 400 BadRequest for malformed documents and recognised directive errors, 422 Invalid for lists of lists, and a
 * 400 BadRequest for the errors Kubernetes does not classify (it answers 500; Berth never answers bad input so).
 */
class StrategicMergePatchErrorTest {

    record Case(String description, String original, String patch, int code, String reason, String message) {
        @Override
        public String toString() {
            return description;
        }
    }

    private static final String CONTAINERS = "spec: {containers: [{name: a, image: a}, {name: b}]}";

    static Stream<Case> cases() {
        return Stream.of(
                new Case("refuses a patch that is not a JSON object with 400", "{}", "[a]",
                        400, "BadRequest", "json: cannot unmarshal array into Go value of type map[string]interface {}"),
                new Case("answers an unknown $patch value on a map with a 400", "metadata: {labels: {a: b}}",
                        "metadata: {labels: {$patch: foo}}",
                        400, "BadRequest", "unknown patch type: foo in map: map[$patch:foo]"),
                new Case("answers an unknown $patch value in a list element with a 400", CONTAINERS,
                        "spec: {containers: [{name: a, $patch: foo}]}",
                        400, "BadRequest", "unknown patch type: foo in map: map[$patch:foo name:a]"),
                new Case("refuses $patch: merge as a list element as Kubernetes does", CONTAINERS,
                        "spec: {containers: [{$patch: merge}]}",
                        400, "BadRequest", "merging lists cannot yet be specified in the patch"),
                new Case("refuses a merged element without its merge key (missing merge key should error out)", CONTAINERS,
                        "spec: {containers: [{image: b}]}",
                        400, "BadRequest", "map: map[image:b] does not contain declared merge key: name"),
                new Case("refuses $patch: delete without a merge key", CONTAINERS,
                        "spec: {containers: [{$patch: delete, image: a}]}",
                        400, "BadRequest", "does not contain declared merge key: name"),
                new Case("refuses a $setElementOrder that contradicts the patch list"
                                + " (should check if order in $setElementOrder and patch list match)",
                        "spec: {containers: [{name: '1'}, {name: '3'}, {name: '2'}]}",
                        """
                        spec:
                          $setElementOrder/containers: [{name: '1'}, {name: '2'}, {name: '3'}]
                          containers: [{name: '3', image: '3'}, {name: '1', image: '1'}]
                        """,
                        400, "BadRequest", "doesn't match $setElementOrder list"),
                new Case("refuses a $setElementOrder that contradicts a primitive patch list", "metadata: {finalizers: [a, c, b]}",
                        """
                        metadata:
                          $setElementOrder/finalizers: [a, b, c]
                          finalizers: [c, a]
                        """,
                        400, "BadRequest", "doesn't match $setElementOrder list"),
                new Case("refuses a $setElementOrder that is not a list", CONTAINERS,
                        "spec: {$setElementOrder/containers: a}",
                        400, "BadRequest", "expected a []interface {}, but received a string"),
                new Case("refuses a malformed $setElementOrder key with 400", CONTAINERS,
                        "spec: {$setElementOrderX/containers: [{name: a}]}",
                        400, "BadRequest", "invalid patch format of setElementOrder list"),
                new Case("refuses a malformed $deleteFromPrimitiveList key with 400", "metadata: {finalizers: [a]}",
                        "metadata: {$deleteFromPrimitiveListfinalizers: [a]}",
                        400, "BadRequest", "invalid patch format of primitive list"),
                new Case("refuses a $deleteFromPrimitiveList value that is not a list with 400", "metadata: {finalizers: [a]}",
                        "metadata: {$deleteFromPrimitiveList/finalizers: a}",
                        400, "BadRequest", "invalid patch format of primitive list"),
                new Case("refuses a $retainKeys that is not a list with 400", "spec: {volumes: [{name: v, emptyDir: {}}]}",
                        "spec: {volumes: [{name: v, $retainKeys: name}]}",
                        400, "BadRequest", "invalid patch format of retainKeys"),
                new Case("refuses a patch setting a field its $retainKeys does not list with 400",
                        "spec: {volumes: [{name: v, emptyDir: {}}]}",
                        "spec: {volumes: [{name: v, $retainKeys: [name], hostPath: {path: /x}}]}",
                        400, "BadRequest", "invalid patch format of retainKeys"),
                new Case("refuses a list of lists in a merged list with 422 Invalid", "metadata: {finalizers: []}",
                        "metadata: {finalizers: [[a]]}",
                        422, "Invalid", "the server rejected our request due to an error in our request"),
                new Case("refuses a merged list mixing kinds of elements", "metadata: {finalizers: [a]}",
                        "metadata: {finalizers: [{b: c}]}",
                        400, "BadRequest", "list element types are not identical"),
                new Case("refuses to merge objects in a merged list that has no merge key", "metadata: {finalizers: [{a: '1'}]}",
                        "metadata: {finalizers: [{b: '2'}]}",
                        400, "BadRequest", "cannot merge lists without merge key"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void failsAsKubeApiserverFails(Case c) {
        ApiException error = strategicPatchError(Pod.class, c.original(), c.patch());

        assertThat(error.code()).isEqualTo(c.code());
        assertThat(error.reason()).isEqualTo(c.reason());
        assertThat(error.getMessage()).contains(c.message());
        assertThat(error.status().getStatus()).isEqualTo("Failure");
    }
}
