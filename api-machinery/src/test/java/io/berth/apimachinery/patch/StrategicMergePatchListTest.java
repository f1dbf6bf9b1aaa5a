package io.berth.apimachinery.patch;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.berth.apimachinery.patch.Trees.assertStrategicPatch;

/**
 * Strategic merge patch on lists: merge keys, primitive sets, {@code $patch} elements, {@code $deleteFromPrimitiveList}
 * and {@code $setElementOrder}. Cases adapt Kubernetes' {@code strategicpatch/patch_test.go} (named after the case
 * they come from): its {@code mergingList} is {@code spec.containers} (merge key {@code name}; its fields
 * {@code value}/{@code other} are {@code image}/{@code workingDir}), its {@code mergingIntList} is
 * {@code metadata.finalizers}, its {@code mergeItemPtr} is {@code spec.initContainers}; plus env by name, ports by
 * containerPort, Node conditions by type, and tolerations, which have no patch strategy.
 */
class StrategicMergePatchListTest {

    record Case(String description, Class<?> type, String original, String patch, String expected) {
        @Override
        public String toString() {
            return description;
        }
    }

    private static Case pod(String description, String original, String patch, String expected) {
        return new Case(description, Pod.class, original, patch, expected);
    }

    static Stream<Case> cases() {
        return Stream.of(
                pod("merges containers by name and keeps the patch's order (preserve the order from the patch in a merging list)",
                        "spec: {containers: [{name: c1}, {name: c2, image: b}, {name: c3}]}",
                        "spec: {containers: [{name: c3, image: c}, {name: c1, image: a}, {name: c2, workingDir: x}]}",
                        "spec: {containers: [{name: c3, image: c}, {name: c1, image: a}, {name: c2, image: b, workingDir: x}]}"),
                pod("keeps a container the patch does not name before those it followed on the server"
                                + " (preserve the order from the patch in a merging list 2)",
                        "spec: {containers: [{name: c1}, {name: c2, image: b}, {name: c3}]}",
                        "spec: {containers: [{name: c3, image: c}, {name: c1, image: a}]}",
                        "spec: {containers: [{name: c2, image: b}, {name: c3, image: c}, {name: c1, image: a}]}"),
                pod("merges finalizers as a set (unique scalars when merging lists)",
                        "metadata: {finalizers: [a, b]}",
                        "metadata: {finalizers: [b, c]}",
                        "metadata: {finalizers: [a, b, c]}"),
                pod("keeps the patch's order for primitives (preserve the order from the patch in a merging int list)",
                        "metadata: {finalizers: [a, b, c]}",
                        "metadata: {finalizers: [c, a, b]}",
                        "metadata: {finalizers: [c, a, b]}"),
                pod("interleaves primitives the patch does not name (preserve the order from the patch in a merging int list 2)",
                        "metadata: {finalizers: [a, b, c]}",
                        "metadata: {finalizers: [c, a]}",
                        "metadata: {finalizers: [b, c, a]}"),
                pod("adds containers where $setElementOrder puts them (merge lists of maps)",
                        "spec: {containers: [{name: c1, workingDir: /a}, {name: c2, image: i2, workingDir: /b}]}",
                        """
                        spec:
                          $setElementOrder/containers: [{name: c4}, {name: c1}, {name: c2}, {name: c3}]
                          containers: [{name: c4, image: i4}, {name: c3, image: i3}]
                        """,
                        "spec: {containers: [{name: c4, image: i4}, {name: c1, workingDir: /a},"
                                + " {name: c2, image: i2, workingDir: /b}, {name: c3, image: i3}]}"),
                pod("adds a field to one container and keeps its other fields (add field to map in merging list)",
                        "spec: {containers: [{name: c1, workingDir: /a}, {name: c2, image: i2, workingDir: /b}]}",
                        """
                        spec:
                          $setElementOrder/containers: [{name: c1}, {name: c2}]
                          containers: [{name: c1, image: i1}]
                        """,
                        "spec: {containers: [{name: c1, image: i1, workingDir: /a}, {name: c2, image: i2, workingDir: /b}]}"),
                pod("deletes a container marked $patch: delete (delete map from merging list)",
                        "spec: {containers: [{name: c1}, {name: c2, workingDir: /b}]}",
                        """
                        spec:
                          $setElementOrder/containers: [{name: c2}]
                          containers: [{name: c1, $patch: delete}]
                        """,
                        "spec: {containers: [{name: c2, workingDir: /b}]}"),
                pod("changes nothing when deleting a container that is not there (delete missing map from merging list)",
                        "spec: {containers: [{name: c2, workingDir: /b}]}",
                        """
                        spec:
                          $setElementOrder/containers: [{name: c2}]
                          containers: [{name: c1, $patch: delete}]
                        """,
                        "spec: {containers: [{name: c2, workingDir: /b}]}"),
                pod("adds one container and deletes another, server-only ones staying where Kubernetes leaves them"
                                + " (add map and delete map from merging list)",
                        "spec: {containers: [{name: c1}, {name: c2, workingDir: /b}, {name: c4, workingDir: /c}]}",
                        """
                        spec:
                          $setElementOrder/containers: [{name: c2}, {name: c3}]
                          containers: [{name: c3}, {name: c1, $patch: delete}]
                        """,
                        "spec: {containers: [{name: c2, workingDir: /b}, {name: c4, workingDir: /c}, {name: c3}]}"),
                pod("adds two containers and deletes one (add map and delete map from merging list with conflict)",
                        "spec: {containers: [{name: c1, workingDir: /a}, {name: c4, workingDir: /c}]}",
                        """
                        spec:
                          $setElementOrder/containers: [{name: c2}, {name: c3}]
                          containers: [{name: c2}, {name: c3}, {name: c1, $patch: delete}]
                        """,
                        "spec: {containers: [{name: c4, workingDir: /c}, {name: c2}, {name: c3}]}"),
                new Case("deletes every element sharing the merge key (delete all duplicate entries in a merging list)",
                        Node.class,
                        "status: {conditions: [{type: A}, {type: A}, {type: B, status: 'True'}, {type: C}, {type: C}]}",
                        "status: {conditions: [{type: A, $patch: delete}, {type: C, $patch: delete}]}",
                        "status: {conditions: [{type: B, status: 'True'}]}"),
                new Case("merges Node conditions by type", Node.class,
                        "status: {conditions: [{type: Ready, status: 'False'}, {type: DiskPressure, status: 'False'}]}",
                        "status: {conditions: [{type: Ready, status: 'True', reason: KubeletReady}]}",
                        "status: {conditions: [{type: Ready, status: 'True', reason: KubeletReady},"
                                + " {type: DiskPressure, status: 'False'}]}"),
                pod("empties a merged list with a lone $patch: replace element (delete all items from merging list)",
                        "spec: {containers: [{name: c1}, {name: c2}]}",
                        "spec: {containers: [{$patch: replace}]}",
                        "spec: {containers: []}"),
                pod("replaces a merged list with the other elements of a list holding $patch: replace",
                        "spec: {containers: [{name: c1}, {name: c2}]}",
                        "spec: {containers: [{$patch: replace}, {name: c9, image: x}]}",
                        "spec: {containers: [{name: c9, image: x}]}"),
                pod("merges env inside a container (add field to map in merging list nested in merging list)",
                        "spec: {containers: [{name: c1, workingDir: /a, env: [{name: e1}, {name: e2, value: '2'}]},"
                                + " {name: c2, workingDir: /b}]}",
                        """
                        spec:
                          $setElementOrder/containers: [{name: c1}, {name: c2}]
                          containers:
                          - name: c1
                            $setElementOrder/env: [{name: e1}, {name: e2}]
                            env: [{name: e1, value: '1'}]
                        """,
                        "spec: {containers: [{name: c1, workingDir: /a, env: [{name: e1, value: '1'}, {name: e2, value: '2'}]},"
                                + " {name: c2, workingDir: /b}]}"),
                pod("orders a nested list as its own $setElementOrder says"
                                + " (add field to map in merging list nested in merging list with deletion conflict)",
                        "spec: {containers: [{name: c1, env: [{name: e2, value: '2'}]}]}",
                        """
                        spec:
                          containers:
                          - name: c1
                            $setElementOrder/env: [{name: e2}, {name: e1}]
                            env: [{name: e1, value: '1'}]
                        """,
                        "spec: {containers: [{name: c1, env: [{name: e2, value: '2'}, {name: e1, value: '1'}]}]}"),
                pod("replaces a list without patch strategy inside a merged element (replace non merging list nested in merging list)",
                        "spec: {containers: [{name: c1, image: i, envFrom: [{prefix: A}, {prefix: B, configMapRef: {name: x}}]}]}",
                        "spec: {containers: [{name: c1, envFrom: [{prefix: A, secretRef: {name: s}}]}]}",
                        "spec: {containers: [{name: c1, image: i, envFrom: [{prefix: A, secretRef: {name: s}}]}]}"),
                pod("replaces tolerations, which have no patch strategy",
                        "spec: {tolerations: [{key: a, effect: NoSchedule}, {key: b}]}",
                        "spec: {tolerations: [{key: c}]}",
                        "spec: {tolerations: [{key: c}]}"),
                pod("merges container ports by their numeric containerPort",
                        "spec: {containers: [{name: c1, ports: [{containerPort: 80, name: http}, {containerPort: 443}]}]}",
                        "spec: {containers: [{name: c1, ports: [{containerPort: 443, name: https}, {containerPort: 8080}]}]}",
                        "spec: {containers: [{name: c1, ports: [{containerPort: 80, name: http},"
                                + " {containerPort: 443, name: https}, {containerPort: 8080}]}]}"),
                pod("deletes finalizers with $deleteFromPrimitiveList (delete items in lists of scalars)",
                        "metadata: {finalizers: [a, b, c, d]}",
                        """
                        metadata:
                          $setElementOrder/finalizers: [a, b]
                          $deleteFromPrimitiveList/finalizers: [c]
                        """,
                        "metadata: {finalizers: [a, b, d]}"),
                pod("deletes every duplicate of a primitive (delete all duplicate items in lists of scalars)",
                        "metadata: {finalizers: [a, b, c, c, d]}",
                        """
                        metadata:
                          $setElementOrder/finalizers: [a, b]
                          $deleteFromPrimitiveList/finalizers: [c]
                        """,
                        "metadata: {finalizers: [a, b, d]}"),
                pod("adds and deletes primitives in one patch (add and delete items in lists of scalars)",
                        "metadata: {finalizers: [a, b, c]}",
                        """
                        metadata:
                          $setElementOrder/finalizers: [a, b, d]
                          $deleteFromPrimitiveList/finalizers: [c]
                          finalizers: [d]
                        """,
                        "metadata: {finalizers: [a, b, d]}"),
                pod("deletes from a list without patch strategy too, as Kubernetes does since 1.25 (container args)",
                        "spec: {containers: [{name: c1, args: [x, y, z]}]}",
                        "spec: {containers: [{name: c1, $deleteFromPrimitiveList/args: [y]}]}",
                        "spec: {containers: [{name: c1, args: [x, z]}]}"),
                pod("changes nothing when deleting from a list the object does not have",
                        "metadata: {name: a}",
                        "metadata: {$deleteFromPrimitiveList/finalizers: [a]}",
                        "metadata: {name: a}"),
                pod("adds a primitive where $setElementOrder puts it among server-only ones"
                                + " (add an item in a list of primitives and preserve order)",
                        "metadata: {finalizers: [a, d, b]}",
                        """
                        metadata:
                          $setElementOrder/finalizers: [c, a, b]
                          finalizers: [c]
                        """,
                        "metadata: {finalizers: [c, a, d, b]}"),
                pod("reorders primitives and interleaves server-only ones (set elements order in a int list with server-only items 3)",
                        "metadata: {finalizers: [a, b, g, i, h, c, d]}",
                        "metadata: {$setElementOrder/finalizers: [b, a, d, c]}",
                        "metadata: {finalizers: [b, a, g, i, h, d, c]}"),
                pod("groups duplicates at their first position in $setElementOrder"
                                + " (behavior of set element order for a merging int list with duplicate)",
                        "metadata: {finalizers: [a, b, c, b, d]}",
                        "metadata: {$setElementOrder/finalizers: [b, a, d, c, b]}",
                        "metadata: {finalizers: [b, b, a, d, c]}"),
                pod("reorders containers and interleaves server-only ones (set elements order in a list with server-only items 2)",
                        "spec: {containers: [{name: c1, workingDir: /a}, {name: c2, image: i2}, {name: c9},"
                                + " {name: c3, image: i3}, {name: c4, image: i4}]}",
                        "spec: {$setElementOrder/containers: [{name: c2}, {name: c1}, {name: c4}, {name: c3}]}",
                        "spec: {containers: [{name: c2, image: i2}, {name: c1, workingDir: /a}, {name: c9},"
                                + " {name: c4, image: i4}, {name: c3, image: i3}]}"),
                pod("accepts a $setElementOrder naming a container the list lacks"
                                + " ($setElementOrder contains item that is not present in the list to be merged)",
                        "spec: {containers: [{name: c1}, {name: c3}]}",
                        """
                        spec:
                          $setElementOrder/containers: [{name: c3}, {name: c2}, {name: c1}]
                          containers: [{name: c3, image: '3'}, {name: c1, image: '1'}]
                        """,
                        "spec: {containers: [{name: c3, image: '3'}, {name: c1, image: '1'}]}"),
                pod("deletes from one list and reorders another in one patch (delete and reorder in one list, reorder in another)",
                        "spec: {containers: [{name: a, image: a}, {name: b, image: b}],"
                                + " initContainers: [{name: c, image: c}, {name: d, image: d}]}",
                        """
                        spec:
                          $setElementOrder/containers: [{name: b}]
                          $setElementOrder/initContainers: [{name: d}, {name: c}]
                          containers: [{$patch: delete, name: a}]
                        """,
                        "spec: {containers: [{name: b, image: b}], initContainers: [{name: d, image: d}, {name: c, image: c}]}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void mergesListsAsKubernetesDoes(Case c) {
        assertStrategicPatch(c.type(), c.original(), c.patch(), c.expected());
    }
}
