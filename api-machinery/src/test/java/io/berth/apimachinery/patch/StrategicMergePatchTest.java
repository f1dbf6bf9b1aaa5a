package io.berth.apimachinery.patch;

import io.berth.apimachinery.schema.Schemas;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import java.util.stream.Stream;

import static io.berth.apimachinery.patch.Trees.assertStrategicPatch;
import static io.berth.apimachinery.patch.Trees.yaml;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Strategic merge patch on objects, maps and directives. Cases come from Kubernetes'
 * {@code strategicpatch/patch_test.go} (named after the case they adapt), moved onto real types: its
 * {@code simpleMap} is {@code metadata.labels}, its {@code retainKeysMergingList} is {@code spec.volumes},
 * its {@code retainKeysMap} is a Deployment's {@code spec.strategy}. Three-way cases apply the three-way patch
 * to the "current" object.
 */
class StrategicMergePatchTest {

    record Case(String description, Class<?> type, String original, String patch, String expected) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("adds a field to a map (add field to map)", Pod.class,
                        "metadata: {labels: {name: '1'}}",
                        "metadata: {labels: {value: '1'}}",
                        "metadata: {labels: {name: '1', value: '1'}}"),
                new Case("adds a field and deletes another with null (add field and delete field from map)", Pod.class,
                        "metadata: {labels: {name: '1'}}",
                        "metadata: {labels: {name: null, value: '1'}}",
                        "metadata: {labels: {value: '1'}}"),
                new Case("deletes a nested field and keeps the fields the patch does not name (delete field from nested map)",
                        Pod.class,
                        "metadata: {annotations: {key1: '1', key2: '1', other: a}}",
                        "metadata: {annotations: {key2: null}}",
                        "metadata: {annotations: {key1: '1', other: a}}"),
                new Case("deletes every field set to null (delete all fields from map)", Pod.class,
                        "metadata: {labels: {name: '1', value: '1', other: a}}",
                        "metadata: {labels: {name: null, value: null}}",
                        "metadata: {labels: {other: a}}"),
                new Case("ignores a null for a field the original lacks (defined null values should propagate)", Pod.class,
                        "metadata: {labels: {name: '2'}}",
                        "metadata: {labels: {name: '1', value: '1', other: null}}",
                        "metadata: {labels: {name: '1', value: '1'}}"),
                new Case("changes nothing for an empty patch (nil patch)", Pod.class,
                        "{metadata: {name: a}, spec: {containers: [{name: c, image: i}]}}",
                        "{}",
                        "{metadata: {name: a}, spec: {containers: [{name: c, image: i}]}}"),
                new Case("empties a map marked $patch: delete (delete map from nested map)", Pod.class,
                        "metadata: {name: a, labels: {key1: '1', key2: '1'}}",
                        "metadata: {labels: {$patch: delete}}",
                        "metadata: {name: a, labels: {}}"),
                new Case("replaces a map marked $patch: replace (add key and delete all keys from map)", Pod.class,
                        "metadata: {labels: {name: '1', value: '1'}}",
                        "metadata: {labels: {other: a, $patch: replace}}",
                        "metadata: {labels: {other: a}}"),
                new Case("replaces the whole object when its top level says $patch: replace (delete all keys from map)",
                        Pod.class,
                        "{metadata: {name: a, labels: {x: y}}, spec: {nodeName: n}}",
                        "{$patch: replace, metadata: {name: b}}",
                        "{metadata: {name: b}}"),
                new Case("merges a map marked $patch: merge as if it were unmarked", Pod.class,
                        "metadata: {labels: {a: '1'}}",
                        "metadata: {labels: {$patch: merge, b: '2'}}",
                        "metadata: {labels: {a: '1', b: '2'}}"),
                new Case("takes a new subtree without its nulls and without objects carrying $patch", Pod.class,
                        "spec: {nodeName: n}",
                        "spec: {securityContext: {runAsUser: 1000, runAsGroup: null}, affinity: {$patch: delete},"
                                + " containers: [{name: a}, {name: b, $patch: delete}]}",
                        "spec: {nodeName: n, securityContext: {runAsUser: 1000}, containers: [{name: a}]}"),
                new Case("replaces a value whose JSON type changed", Pod.class,
                        "spec: {nodeSelector: {disk: ssd}}",
                        "spec: {nodeSelector: [disk]}",
                        "spec: {nodeSelector: [disk]}"),
                new Case("merges maps the schema does not know like JSON merge patch", Pod.class,
                        "spec: {extension: {a: 1, b: {c: 2}}}",
                        "spec: {extension: {a: null, b: {d: 3}}}",
                        "spec: {extension: {b: {c: 2, d: 3}}}"),
                new Case("replaces lists the schema does not know", Pod.class,
                        "spec: {extensionList: [{name: a}, {name: b}]}",
                        "spec: {extensionList: [{name: c}]}",
                        "spec: {extensionList: [{name: c}]}"),
                new Case("merges a retainKeys struct normally when no $retainKeys is given"
                        + " (retainKeys map can add a field when no retainKeys directive present)", Deployment.class,
                        "spec: {strategy: {type: RollingUpdate}}",
                        "spec: {strategy: {rollingUpdate: {maxSurge: 1}}}",
                        "spec: {strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1}}}"),
                new Case("clears the fields $retainKeys does not list (retainKeys list of maps clears a field)", Pod.class,
                        "spec: {volumes: [{name: bar, emptyDir: {}}, {name: foo, emptyDir: {}, hostPath: {path: /data}}]}",
                        """
                        spec:
                          $setElementOrder/volumes: [{name: bar}, {name: foo}]
                          volumes:
                          - {$retainKeys: [emptyDir, name], name: foo}
                        """,
                        "spec: {volumes: [{name: bar, emptyDir: {}}, {name: foo, emptyDir: {}}]}"),
                new Case("changes one field and clears another with $retainKeys"
                        + " (retainKeys list of maps changes a field and clear a field)", Pod.class,
                        "spec: {volumes: [{name: bar}, {name: foo, emptyDir: {medium: ''}, hostPath: {path: /data}}]}",
                        """
                        spec:
                          $setElementOrder/volumes: [{name: bar}, {name: foo}]
                          volumes:
                          - {$retainKeys: [emptyDir, name], name: foo, emptyDir: {medium: Memory}}
                        """,
                        "spec: {volumes: [{name: bar}, {name: foo, emptyDir: {medium: Memory}}]}"),
                new Case("deletes a field with null while $retainKeys lists the others (retainKeys list of maps deletes a field)",
                        Pod.class,
                        "spec: {volumes: [{name: bar}, {name: foo, emptyDir: {}}]}",
                        """
                        spec:
                          $setElementOrder/volumes: [{name: bar}, {name: foo}]
                          volumes:
                          - {$retainKeys: [name], name: foo, emptyDir: null}
                        """,
                        "spec: {volumes: [{name: bar}, {name: foo}]}"),
                new Case("switches a deployment strategy and clears the other union member"
                        + " (retainKeys map should clear defaulted field with conflict)", Deployment.class,
                        "spec: {replicas: 2, strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}}}",
                        "spec: {strategy: {$retainKeys: [type], type: Recreate}}",
                        "spec: {replicas: 2, strategy: {type: Recreate}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void appliesThePatchAsKubernetesDoes(Case c) {
        assertStrategicPatch(c.type(), c.original(), c.patch(), c.expected());
    }

    @Test
    void aNullPatchReturnsACopyOfTheOriginal() {
        JsonNode original = yaml("metadata: {name: a}");

        JsonNode result = StrategicMergePatch.apply(original, null, Schemas.of(Pod.class));

        assertThat(result).isEqualTo(original).isNotSameAs(original);
    }

    @Test
    void theResultSharesNoNodesWithThePatch() {
        JsonNode patch = yaml("metadata: {labels: {a: b}}");

        JsonNode result = StrategicMergePatch.apply(yaml("metadata: {name: x}"), patch, Schemas.of(Pod.class));

        assertThat(result.get("metadata").get("labels")).isEqualTo(patch.get("metadata").get("labels"))
                .isNotSameAs(patch.get("metadata").get("labels"));
    }
}
